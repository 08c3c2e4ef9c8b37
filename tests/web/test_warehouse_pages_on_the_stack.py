"""The warehouse portal in the browser on the real stack: the polled queue's "new" marks
from the Redis stream, Ship / Deliver through real suborder workflows, and a restock
that keeps I1-I3. Rendering, refusals, CSRF and form validation are checked on the
fake ports in tests/web/test_warehouse_pages.py."""

from __future__ import annotations

import re

import pytest

from tests.web.shoppers import HTMX, post_form
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
