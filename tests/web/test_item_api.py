"""`GET /api/v1/items/<itemID>`: one item with its live stock, on the fast layer's
fakes (tests/fakes/items.py); the real read is held to them by
tests/web/test_item_contracts.py."""

from __future__ import annotations

import pytest

from tests.web.catalogue import BY_ID

pytestmark = pytest.mark.web


def test_an_item_is_served_with_its_live_stock(fast_client):
    response = fast_client.get("/api/v1/items/2")

    assert response.status_code == 200
    assert response.headers["Cache-Control"].startswith("public, max-age=")
    body = response.get_json()
    assert body["itemID"] == 2
    assert body["name"] == BY_ID[2].name
    assert body["price"] == BY_ID[2].price
    assert body["stock"] == BY_ID[2].total_stock
    assert body["inStock"] is True


@pytest.mark.parametrize("item_id", ["999999", "0", "99999999999999999999999"])
def test_an_unknown_item_is_a_json_404(fast_client, item_id):
    response = fast_client.get(f"/api/v1/items/{item_id}")

    assert response.status_code == 404
    assert response.get_json()["error"]["code"] == "not_found"


@pytest.mark.parametrize("item_id", ["abc", "-1", "1.5", "%E2%9C%93"])
def test_a_malformed_item_id_is_a_json_400(fast_client, item_id):
    response = fast_client.get(f"/api/v1/items/{item_id}")

    assert response.status_code == 400
    assert "itemID" in response.get_json()["error"]["message"]


def test_a_sold_out_item_says_so(fast_app, fast_client):
    fast_app.extensions["shopflow"].items.set_stock(2, 0)
    body = fast_client.get("/api/v1/items/2").get_json()
    assert (body["stock"], body["inStock"]) == (0, False)
