"""In the browser: a shopper's order splits over two warehouses; a warehouse worker
ships and delivers it from the portal while the shopper's order page follows along;
another order is cancelled from its page and refunded — real app, real worker."""

from __future__ import annotations

import itertools
import re
import uuid

import pytest
from playwright.sync_api import Page, expect
from sqlalchemy import text

from tests.e2e.forms import PASSWORD, pay_and_place_order, sign_up
from tests.stock_world import insert_item

pytestmark = pytest.mark.e2e

_item_ids = itertools.count(880_001)


@pytest.fixture
def split_item(engine) -> tuple[int, list[tuple[int, str]]]:
    """A new item with one unit in each of the two first warehouses (ordering two
    splits the order); its id and those warehouses (id, name)."""
    item_id = next(_item_ids)
    with engine.begin() as conn:
        warehouses = [
            tuple(row)
            for row in conn.execute(text("SELECT id, name FROM warehouses ORDER BY id LIMIT 2"))
        ]
    insert_item(
        engine,
        item_id,
        {warehouse_id: 1 for warehouse_id, _ in warehouses},
        name=f"Twin Parcel Lamp {item_id}",
        sku=f"E2E-{item_id}",
        price=3_900,
        description="Ships from two places.",
    )
    return item_id, warehouses


def buy(page: Page, store: str, item_id: int, quantity: int) -> str:
    """Add `quantity` from the item page, check out, pay; the new order's id."""
    page.goto(f"{store}/items/{item_id}")
    page.get_by_label("Qty").fill(str(quantity))
    page.get_by_role("button", name="Add to cart").click()
    expect(page.locator("[data-test=cart-message]")).to_contain_text("Added")
    page.goto(f"{store}/cart")
    page.get_by_role("button", name="Begin checkout").click()
    expect(page).to_have_url(re.compile(r"/checkout/[0-9a-f]{32}$"))
    pay_and_place_order(page)
    expect(page).to_have_url(re.compile(r"/orders/[0-9a-f]{32}\?placed=1$"), timeout=15_000)
    return page.locator("[data-test=order-id]").inner_text()


@pytest.fixture
def staff_page(watched_context, live_store, engine):
    from db.postgres.engine import make_session_factory
    from web.auth.accounts import register

    email = f"e2e-staff-{uuid.uuid4().hex[:10]}@example.com"
    register(make_session_factory(engine), email=email, password=PASSWORD, role="operator")
    page = watched_context().new_page()  # its own cookies: signed in as staff
    page.goto(f"{live_store}/login")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("button", name="Sign out")).to_be_visible()
    return page


def test_a_split_order_is_shipped_and_delivered_from_the_portal_while_the_shopper_watches(
    live_store, checkout_worker, page, staff_page, split_item, output_dir, assert_invariants
):
    item_id, warehouses = split_item
    sign_up(page, live_store, "split", f"/items/{item_id}")
    order_id = buy(page, live_store, item_id, 2)

    parcels = page.locator("[data-test=parcel]")
    expect(parcels).to_have_count(2, timeout=15_000)  # the page polls while it changes
    for _, name in warehouses:
        expect(page.locator("[data-test=parcels]")).to_contain_text(f"Ships from {name}")
    expect(page.locator("[data-test=cancel-order]")).to_be_visible()
    page.screenshot(path=str(output_dir / "split.png"), full_page=True)

    for warehouse_id, _ in warehouses:
        staff_page.goto(f"{live_store}/warehouses/{warehouse_id}")
        row = staff_page.locator(f"[data-test=suborder-row][data-suborder-id^='{order_id}']")
        expect(row).to_have_count(1, timeout=10_000)
        row.get_by_role("button", name="Mark shipped").click()
        expect(row.locator("[data-test=suborder-status]")).to_have_text("Shipped")
        if warehouse_id == warehouses[0][0]:
            # One parcel on its way: the shopper can no longer cancel.
            expect(page.locator("[data-test=cancel-order]")).to_have_count(0, timeout=10_000)
    staff_page.screenshot(path=str(output_dir / "portal.png"), full_page=True)
    expect(page.locator("[data-test=order-status]")).to_have_text("SHIPPED", timeout=10_000)

    for warehouse_id, _ in warehouses:
        staff_page.goto(f"{live_store}/warehouses/{warehouse_id}")
        row = staff_page.locator(f"[data-test=suborder-row][data-suborder-id^='{order_id}']")
        row.get_by_role("button", name="Mark delivered").click()
        expect(row.locator("[data-test=suborder-status]")).to_have_text("Delivered")
    expect(page.locator("[data-test=order-status]")).to_have_text("DELIVERED", timeout=10_000)
    events = page.locator("[data-test=timeline-event]")
    for event in ("placed", "assigned", "shipped", "delivered"):
        expect(events.locator(f"xpath=self::*[@data-event='{event}']").first).to_be_visible()
    page.screenshot(path=str(output_dir / "delivered.png"), full_page=True)
    assert_invariants()


def test_a_shopper_cancels_an_order_before_it_ships_and_is_refunded(
    live_store, checkout_worker, page, split_item, output_dir, assert_invariants
):
    item_id, _ = split_item
    sign_up(page, live_store, "cancel", f"/items/{item_id}")
    buy(page, live_store, item_id, 1)
    expect(page.locator("[data-test=parcel]")).to_have_count(1, timeout=15_000)

    page.once("dialog", lambda dialog: dialog.accept())  # hx-confirm
    page.get_by_role("button", name="Cancel order").click()

    expect(page.locator("[data-test=order-status]")).to_have_text("CANCELLED", timeout=15_000)
    expect(page.locator("[data-test=order-cancelled]")).to_contain_text(
        "your payment was refunded", timeout=10_000
    )
    page.screenshot(path=str(output_dir / "cancelled.png"), full_page=True)
    stock = page.request.get(f"{live_store}/api/v1/items/{item_id}").json()["stock"]
    assert stock == 2
    assert_invariants()


def test_a_shopper_cancels_the_parcel_that_has_not_shipped_and_is_refunded_for_it(
    live_store, checkout_worker, page, staff_page, split_item, output_dir, assert_invariants
):
    item_id, warehouses = split_item
    sign_up(page, live_store, "partial", f"/items/{item_id}")
    order_id = buy(page, live_store, item_id, 2)
    expect(page.locator("[data-test=parcel]")).to_have_count(2, timeout=15_000)
    expect(page.locator("[data-test=cancel-unshipped]")).to_have_count(0)

    staff_page.goto(f"{live_store}/warehouses/{warehouses[0][0]}")
    row = staff_page.locator(f"[data-test=suborder-row][data-suborder-id^='{order_id}']")
    expect(row).to_have_count(1, timeout=10_000)
    row.get_by_role("button", name="Mark shipped").click()
    expect(row.locator("[data-test=suborder-status]")).to_have_text("Shipped")

    cancel_rest = page.get_by_role("button", name="Cancel the parcels that have not shipped")
    expect(cancel_rest).to_be_visible(timeout=15_000)  # the page polls while it changes
    page.once("dialog", lambda dialog: dialog.accept())  # hx-confirm
    cancel_rest.click()

    expect(page.locator("[data-test=order-status]")).to_have_text(
        "PARTLY CANCELLED", timeout=15_000
    )
    expect(page.locator("[data-test=parcels-cancelled]")).to_contain_text(
        "$39.00 was refunded", timeout=10_000
    )
    page.screenshot(path=str(output_dir / "partly-cancelled.png"), full_page=True)
    stock = page.request.get(f"{live_store}/api/v1/items/{item_id}").json()["stock"]
    assert stock == 1  # the unit that did not ship is for sale again
    assert_invariants()
