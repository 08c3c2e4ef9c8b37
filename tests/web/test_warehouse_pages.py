"""The warehouse portal in the browser, on the fake ports (tests/fakes/warehouses.py):
the page, its polled queue, the Ship / Deliver buttons that swap their row, the
restock form and its refusals (CSRF-protected like every form). The same against real
workflows, Redis and PostgreSQL: tests/web/test_warehouse_pages_on_the_stack.py."""

from __future__ import annotations

import re

import pytest

from domain.order import SuborderStatus
from tests.fakes.warehouses import NORTH, SHUT
from tests.web.shoppers import HTMX, csrf_field_of

pytest_plugins = ["tests.fakes.portal_fixtures"]
pytestmark = pytest.mark.web

PORTAL = f"/warehouses/{NORTH}"


def _row(html: str, suborder_id: str) -> str:
    match = re.search(
        rf'<tr class="suborder-row[^"]*"[^>]*data-suborder-id="{re.escape(suborder_id)}".*?</tr>',
        html,
        re.S,
    )
    assert match, f"no row for {suborder_id}"
    return match.group(0)


def test_the_warehouse_list_links_to_each_portal(fake_operator_browser):
    page = fake_operator_browser.get("/warehouses").get_data(as_text=True)
    assert f'href="{PORTAL}"' in page and "North" in page


def test_the_portal_page_polls_its_queue_and_carries_csrf_tokens(fake_operator_browser):
    answer = fake_operator_browser.get(PORTAL)

    page = answer.get_data(as_text=True)
    assert answer.status_code == 200
    assert answer.headers["Cache-Control"] == "private, no-store"
    assert f'hx-get="{PORTAL}/queue"' in page and 'hx-trigger="every 5s"' in page
    row = _row(page, "n-S1")
    assert 'data-test="ship"' in row and "Lantern" in row
    assert csrf_field_of(row)
    assert 'id="restock"' in page and csrf_field_of(page.split('id="restock"')[1])
    assert page.index('data-suborder-id="n-S1"') < page.index('data-suborder-id="n-S2"')


def test_the_polled_queue_is_a_fragment_that_marks_new_suborders_once(fake_operator_browser):
    polled = fake_operator_browser.get(f"{PORTAL}/queue", headers=HTMX)

    fragment = polled.get_data(as_text=True)
    assert polled.status_code == 200
    assert "<html" not in fragment
    assert 'id="queue"' in fragment and "<tr" in fragment
    assert "suborder-row--new" in _row(fragment, "n-S2")  # on the stream
    assert "suborder-row--new" not in _row(fragment, "n-S1")  # not on it
    again = fake_operator_browser.get(f"{PORTAL}/queue", headers=HTMX).get_data(as_text=True)
    assert "suborder-row--new" not in _row(again, "n-S2")


def test_the_queue_still_shows_every_suborder_when_the_stream_is_down(
    fake_operator_browser, fake_ports
):
    fake_ports.queue.down = True
    fragment = fake_operator_browser.get(f"{PORTAL}/queue", headers=HTMX).get_data(as_text=True)
    assert "suborder-row--new" not in fragment
    assert _row(fragment, "n-S1") and _row(fragment, "n-S2")


def test_ship_then_deliver_from_the_page_swaps_the_row(fake_operator_browser, fake_ports):
    base = f"{PORTAL}/suborders/n-S1"

    shipped = fake_operator_browser.post(f"{base}/ship", headers=HTMX)

    row = shipped.get_data(as_text=True)
    assert shipped.status_code == 200
    assert "<html" not in row and row.count("<tr") == 1
    assert 'data-status="SHIPPED"' in row and 'data-test="deliver"' in row
    delivered = fake_operator_browser.post(f"{base}/deliver", headers=HTMX)
    assert delivered.status_code == 200
    assert 'data-status="DELIVERED"' in delivered.get_data(as_text=True)
    assert fake_ports.fulfilment.calls == [("ship", "n-S1"), ("deliver", "n-S1")]
    assert "n-S1" in fake_ports.queue.acked


def test_delivering_before_shipping_shows_the_reason_in_the_row(fake_operator_browser):
    refused = fake_operator_browser.post(f"{PORTAL}/suborders/n-S1/deliver", headers=HTMX)

    row = refused.get_data(as_text=True)
    assert refused.status_code == 409
    assert 'data-test="row-error"' in row and "shipped" in row
    assert 'data-status="ASSIGNED"' in row and 'data-test="ship"' in row


def test_shipping_a_cancelled_suborder_is_refused_in_the_row(fake_operator_browser, fake_ports):
    fake_ports.reads.set_status("n-S1", SuborderStatus.CANCELLED)
    refused = fake_operator_browser.post(f"{PORTAL}/suborders/n-S1/ship", headers=HTMX)
    assert refused.status_code == 409
    assert "do not ship it" in refused.get_data(as_text=True)
    assert "n-S1" in fake_ports.queue.acked


def test_shipping_without_javascript_returns_to_the_portal(fake_operator_browser):
    answer = fake_operator_browser.post(f"{PORTAL}/suborders/n-S1/ship")

    assert answer.status_code == 303 and answer.headers["Location"].endswith(PORTAL)


def test_a_form_without_the_csrf_token_is_refused(fake_operator_browser, fake_ports):
    del fake_operator_browser.environ_base["HTTP_X_CSRF_TOKEN"]

    forged = fake_operator_browser.post(f"{PORTAL}/suborders/n-S1/ship", headers=HTMX)
    restock = fake_operator_browser.post(f"{PORTAL}/restock", data={"item_id": 1, "quantity": "5"})

    assert forged.status_code == 403 and restock.status_code == 403
    assert fake_ports.fulfilment.calls == [] and fake_ports.shelves.shelves == {}


def test_the_restock_form_adds_units_and_says_so(fake_operator_browser, fake_ports):
    fake_ports.shelves.shelves[(NORTH, 1)] = 1
    form = {"item_id": "1", "quantity": "7", "idempotency_key": "k-1"}

    answer = fake_operator_browser.post(f"{PORTAL}/restock", data=form, headers=HTMX)

    box = answer.get_data(as_text=True)
    assert answer.status_code == 200
    assert 'id="restock"' in box and 'data-test="restock-done"' in box
    assert "Lantern" in box and "8 on this warehouse" in box
    assert fake_ports.shelves.shelves[(NORTH, 1)] == 8
    again = fake_operator_browser.post(f"{PORTAL}/restock", data=form, headers=HTMX)
    assert "added once, not again" in again.get_data(as_text=True)
    assert fake_ports.shelves.shelves[(NORTH, 1)] == 8


def test_the_restock_says_when_search_could_not_be_told(fake_operator_browser, fake_ports):
    fake_ports.shelves.search_up = False
    answer = fake_operator_browser.post(
        f"{PORTAL}/restock", data={"item_id": "1", "quantity": "2"}, headers=HTMX
    )
    assert answer.status_code == 200
    assert "search could not be told" in answer.get_data(as_text=True)


@pytest.mark.parametrize(
    ("item_id", "quantity", "status", "message"),
    [
        ("", "3", 400, "item number"),
        ("abc", "3", 400, "item number"),
        ("1", "", 400, "quantity"),
        ("1", "-2", 400, "quantity"),
        ("1", "0", 400, "at least 1"),
        ("1", "50000", 400, "At most 10,000"),
        ("1", "99999999999999999999", 400, "quantity"),
        ("987654321", "3", 404, "no item"),
    ],
)
def test_a_bad_restock_form_shows_the_reason_and_writes_nothing(
    fake_operator_browser, fake_ports, item_id, quantity, status, message
):
    form = {"item_id": item_id, "quantity": quantity}

    answer = fake_operator_browser.post(f"{PORTAL}/restock", data=form, headers=HTMX)

    box = answer.get_data(as_text=True)
    assert answer.status_code == status
    assert 'data-test="restock-error"' in box and message in box
    assert fake_ports.shelves.shelves == {}


def test_a_damaged_restock_key_and_an_inactive_warehouse_are_refused(fake_operator_browser):
    damaged = fake_operator_browser.post(
        f"{PORTAL}/restock",
        data={"item_id": "1", "quantity": "2", "idempotency_key": "x" * 300},
        headers=HTMX,
    )
    shut = fake_operator_browser.post(
        f"/warehouses/{SHUT}/restock", data={"item_id": "1", "quantity": "2"}, headers=HTMX
    )
    assert damaged.status_code == 400 and "reload the page" in damaged.get_data(as_text=True)
    assert shut.status_code == 409 and "not active" in shut.get_data(as_text=True)


def test_each_suborder_shows_the_whole_shipping_address_street_lines_included(
    fake_operator_browser, fake_operator_headers
):
    row = _row(fake_operator_browser.get(PORTAL).get_data(as_text=True), "n-S1")
    address = re.search(
        r'<address[^>]*data-test="shipping-address"[^>]*>(.*?)</address>', row, re.S
    )

    assert address, "no shipping address in the row"
    words = " ".join(re.sub(r"<br>", " ", address.group(1)).split())
    assert words == "Ada 1 Pike St Apt 4 Seattle 98101, US"
    listed = fake_operator_browser.get(
        f"/api/v1/warehouses/{NORTH}/suborders", headers=fake_operator_headers
    ).get_json()
    (first,) = [s for s in listed["suborders"] if s["suborderID"] == "n-S1"]
    assert first["shippingAddress"] == {
        "name": "Ada",
        "line1": "1 Pike St",
        "line2": "Apt 4",
        "city": "Seattle",
        "postalCode": "98101",
        "country": "US",
    }
