"""Who may use the warehouse portal and its API, and how unknown or malformed ids are
answered (always a 4xx with a sentence, never a 500)."""

from __future__ import annotations

import pytest

from tests.web.shoppers import HTMX
from tests.web.warehouse_world import BOSTON, TACOMA

pytest_plugins = ["tests.web.warehouse_fixtures"]
pytestmark = [pytest.mark.web, pytest.mark.integration]

API = "/api/v1/warehouses"


def test_a_shopper_cannot_open_the_warehouse_portal(shopper_browser):
    for path in ("/warehouses", f"/warehouses/{TACOMA}", f"/warehouses/{TACOMA}/queue"):
        answer = shopper_browser.get(path)
        assert answer.status_code == 403, path
        assert "staff only" in answer.get_data(as_text=True)


def test_a_shopper_cannot_ship_or_restock_from_the_browser(shopper_browser):
    from tests.web.shoppers import post_form

    shipped = post_form(shopper_browser, f"/warehouses/{TACOMA}/suborders/x-S1/ship", {})
    restocked = post_form(
        shopper_browser, f"/warehouses/{TACOMA}/restock", {"item_id": "1", "quantity": "5"}
    )
    assert shipped.status_code == 403
    assert restocked.status_code == 403


def test_an_anonymous_visitor_is_sent_to_the_login_page(portal_app):
    client = portal_app.test_client()
    answer = client.get(f"/warehouses/{TACOMA}")
    assert answer.status_code == 303
    assert "/login?next=" in answer.headers["Location"]
    polled = client.get(f"/warehouses/{TACOMA}/queue", headers=HTMX)
    assert polled.status_code == 401 and "/login" in polled.headers["HX-Redirect"]


def test_the_staff_api_wants_a_token_and_refuses_shoppers(portal_app, shopper_headers):
    client = portal_app.test_client()
    calls = [
        ("get", API),
        ("get", f"{API}/{TACOMA}/suborders"),
        ("post", f"{API}/{TACOMA}/suborders/x-S1/ship"),
        ("post", f"{API}/{TACOMA}/suborders/x-S1/deliver"),
        ("post", f"{API}/{TACOMA}/restock"),
    ]
    for method, path in calls:
        anonymous = getattr(client, method)(path, json={"itemID": 1, "quantity": 1})
        assert anonymous.status_code == 401, path
        assert anonymous.headers["WWW-Authenticate"].startswith("Bearer")
        shopper = getattr(client, method)(
            path, json={"itemID": 1, "quantity": 1}, headers=shopper_headers
        )
        assert shopper.status_code == 403, path
        assert shopper.get_json()["error"]["message"]


def test_staff_see_every_warehouse_with_its_queue_length(portal_app, staff_headers):
    answer = portal_app.test_client().get(API, headers=staff_headers)
    assert answer.status_code == 200
    assert answer.headers["Cache-Control"] == "private, no-store"
    listed = {w["warehouseID"]: w for w in answer.get_json()["warehouses"]}
    assert listed[TACOMA]["name"] == "Tacoma" and listed[TACOMA]["active"] is True
    assert set(listed[BOSTON]) == {"warehouseID", "name", "region", "active", "assignedCount"}


def test_only_staff_see_the_warehouses_link(staff_browser, shopper_browser):
    staff_page = staff_browser.get("/warehouses")
    assert staff_page.status_code == 200
    assert 'data-test="warehouses-link"' in staff_page.get_data(as_text=True)
    assert staff_page.headers["Cache-Control"] == "private, no-store"
    assert 'data-test="warehouses-link"' not in shopper_browser.get("/").get_data(as_text=True)


@pytest.mark.parametrize(
    ("path", "status"),
    [
        (f"{API}/abc/suborders", 400),
        (f"{API}/-1/suborders", 400),
        (f"{API}/1.5/suborders", 400),
        (f"{API}/99999999999999999999/suborders", 404),
        (f"{API}/999999/suborders", 404),
        (f"{API}/{TACOMA}/suborders?status=LOST", 400),
        (f"{API}/{TACOMA}/suborders?limit=0", 400),
        (f"{API}/{TACOMA}/suborders?limit=101", 400),
        (f"{API}/{TACOMA}/suborders?limit=ten", 400),
        (f"{API}/{TACOMA}/suborders?nextCursor=not-a-cursor", 400),
        (f"{API}/{TACOMA}/suborders?nextCursor=WzEsMl0", 400),  # [1,2]
    ],
)
def test_malformed_listing_requests_are_told_what_was_wrong(
    portal_app, staff_headers, path, status
):
    answer = portal_app.test_client().get(path, headers=staff_headers)
    assert answer.status_code == status, answer.get_json()
    assert answer.get_json()["error"]["message"]


@pytest.mark.parametrize(
    "suborder_id", ["no-such-suborder", "x" * 65, "bad%00id", "white space", "%E2%9C%93"]
)
def test_shipping_an_unknown_suborder_is_not_found(portal_app, staff_headers, suborder_id):
    client = portal_app.test_client()
    for action in ("ship", "deliver"):
        answer = client.post(
            f"{API}/{TACOMA}/suborders/{suborder_id}/{action}", headers=staff_headers
        )
        assert answer.status_code == 404, answer.get_json()
        assert answer.get_json()["error"]["message"]


def test_an_unknown_warehouse_page_is_not_found(staff_browser):
    assert staff_browser.get("/warehouses/424242").status_code == 404
    assert staff_browser.get("/warehouses/abc").status_code == 400
