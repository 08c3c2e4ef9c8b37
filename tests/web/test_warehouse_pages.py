"""The warehouse portal in the browser: the page, its polled queue, the Ship / Deliver
buttons that swap their row, and the restock form (CSRF-protected like every form)."""

from __future__ import annotations

import re

import pytest

from tests.web.shoppers import HTMX, csrf_field_of, post_form
from tests.web.warehouse_world import TACOMA

pytest_plugins = ["tests.web.warehouse_fixtures"]
pytestmark = [pytest.mark.web, pytest.mark.integration]

PORTAL = f"/warehouses/{TACOMA}"


def _row(html: str, suborder_id: str) -> str:
    match = re.search(
        rf'<tr class="suborder-row[^"]*"[^>]*data-suborder-id="{re.escape(suborder_id)}".*?</tr>',
        html,
        re.S,
    )
    assert match, f"no row for {suborder_id}"
    return match.group(0)


def test_the_warehouse_list_links_to_each_portal(staff_browser):
    page = staff_browser.get("/warehouses").get_data(as_text=True)
    assert f'href="{PORTAL}"' in page
    assert "Tacoma" in page


def test_the_portal_page_polls_its_queue_and_carries_csrf_tokens(staff_browser, world):
    item = world.item({TACOMA: 3})
    [suborder_id] = world.suborders(world.order({item: 1}))

    answer = staff_browser.get(PORTAL)

    page = answer.get_data(as_text=True)
    assert answer.status_code == 200
    assert answer.headers["Cache-Control"] == "private, no-store"
    assert f'hx-get="{PORTAL}/queue"' in page and 'hx-trigger="every 5s"' in page
    row = _row(page, suborder_id)
    assert 'data-test="ship"' in row and f"Crate {item}" in row
    assert csrf_field_of(row)
    assert 'id="restock"' in page and csrf_field_of(page.split('id="restock"')[1])


def test_the_polled_queue_is_a_fragment_that_shows_new_suborders(staff_browser, world):
    staff_browser.get(PORTAL)  # the last look
    item = world.item({TACOMA: 3})
    [suborder_id] = world.suborders(world.order({item: 1}))
    world.wait_queued(TACOMA, suborder_id)

    polled = staff_browser.get(f"{PORTAL}/queue", headers=HTMX)

    fragment = polled.get_data(as_text=True)
    assert polled.status_code == 200
    assert "<html" not in fragment
    assert 'id="queue"' in fragment and "<tr" in fragment
    row = _row(fragment, suborder_id)
    assert "suborder-row--new" in row and 'data-test="new-badge"' in row
    again = staff_browser.get(f"{PORTAL}/queue", headers=HTMX).get_data(as_text=True)
    assert "suborder-row--new" not in _row(again, suborder_id)


def test_ship_then_deliver_from_the_page_swaps_the_row(staff_browser, world):
    item = world.item({TACOMA: 3})
    [suborder_id] = world.suborders(world.order({item: 2}))
    base = f"{PORTAL}/suborders/{suborder_id}"

    shipped = post_form(staff_browser, f"{base}/ship", {}, htmx=True)

    row = shipped.get_data(as_text=True)
    assert shipped.status_code == 200
    assert "<html" not in row and row.count("<tr") == 1
    assert 'data-status="SHIPPED"' in row and 'data-test="deliver"' in row
    delivered = post_form(staff_browser, f"{base}/deliver", {}, htmx=True)
    assert delivered.status_code == 200
    assert 'data-status="DELIVERED"' in delivered.get_data(as_text=True)


def test_delivering_before_shipping_shows_the_reason_in_the_row(staff_browser, world):
    item = world.item({TACOMA: 3})
    [suborder_id] = world.suborders(world.order({item: 1}))

    refused = post_form(staff_browser, f"{PORTAL}/suborders/{suborder_id}/deliver", {}, htmx=True)

    row = refused.get_data(as_text=True)
    assert refused.status_code == 409
    assert 'data-test="row-error"' in row and "shipped" in row
    assert 'data-status="ASSIGNED"' in row and 'data-test="ship"' in row


def test_shipping_without_javascript_returns_to_the_portal(staff_browser, world):
    item = world.item({TACOMA: 3})
    [suborder_id] = world.suborders(world.order({item: 1}))

    answer = post_form(staff_browser, f"{PORTAL}/suborders/{suborder_id}/ship", {})

    assert answer.status_code == 303 and answer.headers["Location"].endswith(PORTAL)


def test_a_form_without_the_csrf_token_is_refused(staff_browser, world):
    item = world.item({TACOMA: 3})
    [suborder_id] = world.suborders(world.order({item: 1}))

    forged = staff_browser.post(f"{PORTAL}/suborders/{suborder_id}/ship", headers=HTMX)
    restock = staff_browser.post(f"{PORTAL}/restock", data={"item_id": item, "quantity": "5"})

    assert forged.status_code == 403 and restock.status_code == 403
    assert world.shelf(TACOMA, item) == (3, 2)


def test_the_restock_form_adds_units_and_says_so(staff_browser, world, assert_portal_invariants):
    item = world.item({TACOMA: 1})

    answer = post_form(
        staff_browser, f"{PORTAL}/restock", {"item_id": str(item), "quantity": "7"}, htmx=True
    )

    box = answer.get_data(as_text=True)
    assert answer.status_code == 200
    assert 'id="restock"' in box and 'data-test="restock-done"' in box
    assert f"Crate {item}" in box and "8 on this warehouse" in box
    assert world.shelf(TACOMA, item) == (8, 8)
    assert_portal_invariants()


@pytest.mark.parametrize(
    ("item_id", "quantity", "status", "message"),
    [
        ("", "3", 400, "item number"),
        ("abc", "3", 400, "item number"),
        ("ITEM", "", 400, "quantity"),
        ("ITEM", "-2", 400, "quantity"),
        ("ITEM", "0", 400, "at least 1"),
        ("ITEM", "50000", 400, "At most 10,000"),
        ("ITEM", "99999999999999999999", 400, "quantity"),
        ("987654321", "3", 404, "no item"),
    ],
)
def test_a_bad_restock_form_shows_the_reason_and_writes_nothing(
    staff_browser, world, item_id, quantity, status, message
):
    item = world.item({TACOMA: 2})
    form = {"item_id": str(item) if item_id == "ITEM" else item_id, "quantity": quantity}

    answer = post_form(staff_browser, f"{PORTAL}/restock", form, htmx=True)

    box = answer.get_data(as_text=True)
    assert answer.status_code == status
    assert 'data-test="restock-error"' in box and message in box
    assert world.shelf(TACOMA, item) == (2, 2)
