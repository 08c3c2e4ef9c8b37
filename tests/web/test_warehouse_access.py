"""Who may use the warehouse portal and its API, and how unknown or malformed ids are
answered (always a 4xx with a sentence, never a 500). On the fake fake_ports
(tests/fakes/warehouses.py); which warehouses each role sees: tests/security/test_roles.py."""

from __future__ import annotations

import pytest

from tests.fakes.warehouses import NORTH, SHUT, SOUTH
from tests.web.shoppers import HTMX

pytest_plugins = ["tests.fakes.portal_fixtures"]
pytestmark = pytest.mark.web

API = "/api/v1/warehouses"


def test_a_shopper_cannot_open_the_warehouse_portal(fake_shopper_browser):
    for path in ("/warehouses", f"/warehouses/{NORTH}", f"/warehouses/{NORTH}/queue"):
        answer = fake_shopper_browser.get(path)
        assert answer.status_code == 403, path
        assert "staff only" in answer.get_data(as_text=True)


def test_a_shopper_cannot_ship_or_restock_from_the_browser(fake_shopper_browser, fake_ports):
    shipped = fake_shopper_browser.post(f"/warehouses/{NORTH}/suborders/n-S1/ship")
    restocked = fake_shopper_browser.post(
        f"/warehouses/{NORTH}/restock", data={"item_id": "1", "quantity": "5"}
    )
    assert (shipped.status_code, restocked.status_code) == (403, 403)
    assert fake_ports.fulfilment.calls == [] and fake_ports.shelves.shelves == {}


def test_an_anonymous_visitor_is_sent_to_the_login_page(fake_client):
    answer = fake_client.get(f"/warehouses/{NORTH}")
    assert answer.status_code == 303
    assert "/login?next=" in answer.headers["Location"]
    polled = fake_client.get(f"/warehouses/{NORTH}/queue", headers=HTMX)
    assert polled.status_code == 401 and "/login" in polled.headers["HX-Redirect"]


def test_the_staff_api_wants_a_token_and_refuses_shoppers(fake_client, fake_shopper_headers):
    calls = [
        ("get", API),
        ("get", f"{API}/{NORTH}/suborders"),
        ("post", f"{API}/{NORTH}/suborders/n-S1/ship"),
        ("post", f"{API}/{NORTH}/suborders/n-S1/deliver"),
        ("post", f"{API}/{NORTH}/restock"),
    ]
    for method, path in calls:
        anonymous = getattr(fake_client, method)(path, json={"itemID": 1, "quantity": 1})
        assert anonymous.status_code == 401, path
        assert anonymous.headers["WWW-Authenticate"].startswith("Bearer")
        shopper = getattr(fake_client, method)(
            path, json={"itemID": 1, "quantity": 1}, headers=fake_shopper_headers
        )
        assert shopper.status_code == 403, path
        assert shopper.get_json()["error"]["message"]


def test_staff_see_every_warehouse_with_its_queue_length(fake_client, fake_operator_headers):
    answer = fake_client.get(API, headers=fake_operator_headers)
    assert answer.status_code == 200
    assert answer.headers["Cache-Control"] == "private, no-store"
    listed = {w["warehouseID"]: w for w in answer.get_json()["warehouses"]}
    assert listed[NORTH] == {
        "warehouseID": NORTH, "name": "North", "region": "North, US", "active": True,
        "assignedCount": 2,
    }  # fmt: skip
    assert listed[SOUTH]["assignedCount"] == 1 and listed[SHUT]["active"] is False


def test_only_staff_see_the_warehouses_link(fake_operator_browser, fake_shopper_browser):
    staff_page = fake_operator_browser.get("/warehouses")
    assert staff_page.status_code == 200
    assert 'data-test="warehouses-link"' in staff_page.get_data(as_text=True)
    assert staff_page.headers["Cache-Control"] == "private, no-store"
    assert 'data-test="warehouses-link"' not in fake_shopper_browser.get("/login").get_data(
        as_text=True
    )


@pytest.mark.parametrize(
    ("path", "status"),
    [
        (f"{API}/abc/suborders", 400),
        (f"{API}/-1/suborders", 400),
        (f"{API}/1.5/suborders", 400),
        (f"{API}/99999999999999999999/suborders", 404),
        (f"{API}/999999/suborders", 404),
        (f"{API}/0/suborders", 404),
        (f"{API}/{NORTH}/suborders?status=LOST", 400),
        (f"{API}/{NORTH}/suborders?limit=0", 400),
        (f"{API}/{NORTH}/suborders?limit=101", 400),
        (f"{API}/{NORTH}/suborders?limit=ten", 400),
        (f"{API}/{NORTH}/suborders?nextCursor=not-a-cursor", 400),
        (f"{API}/{NORTH}/suborders?nextCursor=WzEsMl0", 400),  # [1,2]
        (f"{API}/{NORTH}/suborders?limit=100", 200),
        (f"{API}/{NORTH}/suborders?limit=1", 200),
        (f"{API}/{NORTH}/suborders?status=shipped", 200),
    ],
)
def test_malformed_listing_requests_are_told_what_was_wrong(
    fake_client, fake_operator_headers, path, status
):
    answer = fake_client.get(path, headers=fake_operator_headers)
    assert answer.status_code == status, answer.get_json()
    if status != 200:
        assert answer.get_json()["error"]["message"]


@pytest.mark.parametrize(
    "suborder_id", ["no-such-suborder", "x" * 65, "bad%00id", "white space", "%E2%9C%93", "s-S1"]
)
def test_shipping_an_unknown_suborder_is_not_found(
    fake_client, fake_operator_headers, suborder_id, fake_ports
):
    """`s-S1` exists, in another warehouse: not found here either."""
    for action in ("ship", "deliver"):
        answer = fake_client.post(
            f"{API}/{NORTH}/suborders/{suborder_id}/{action}", headers=fake_operator_headers
        )
        assert answer.status_code == 404, answer.get_json()
        assert answer.get_json()["error"]["message"]
    assert fake_ports.fulfilment.calls == []


def test_an_unknown_warehouse_page_is_not_found(fake_operator_browser):
    assert fake_operator_browser.get("/warehouses/424242").status_code == 404
    assert fake_operator_browser.get("/warehouses/abc").status_code == 400
