"""In the browser: a shopper's order is delivered from the warehouse portal, then the
shopper reviews the item on its page and sees the count and the review; "Edit your
review" changes it. Real app, real worker, real PostgreSQL."""

from __future__ import annotations

import itertools

import pytest
from playwright.sync_api import expect
from sqlalchemy import text

from tests.e2e.forms import sign_up
from tests.e2e.test_fulfilment_journey import buy, staff_page  # noqa: F401 (a fixture)
from tests.stock_world import insert_item

pytestmark = pytest.mark.e2e

_item_ids = itertools.count(885_001)


@pytest.fixture
def lamp(engine) -> tuple[int, int]:
    """A new item (no reviews yet) with units in the first warehouse; (item, warehouse)."""
    item_id = next(_item_ids)
    with engine.begin() as conn:
        warehouse_id = conn.execute(text("SELECT min(id) FROM warehouses")).scalar_one()
    insert_item(
        engine,
        item_id,
        {warehouse_id: 5},
        name=f"Reviewed Desk Lamp {item_id}",
        sku=f"E2E-R-{item_id}",
        price=2_900,
        description="Bright enough to read by.",
    )
    return item_id, warehouse_id


def test_a_shopper_reviews_an_item_once_it_is_delivered_and_sees_the_count(
    live_store,
    checkout_worker,
    page,
    staff_page,  # noqa: F811 (the fixture imported above)
    lamp,
    output_dir,
):
    item_id, warehouse_id = lamp
    sign_up(page, live_store, "reviewer", f"/items/{item_id}")
    expect(page.locator(".item__info [data-test=rating]")).to_have_text("No reviews yet")
    reviews = page.locator("[data-test=reviews]")
    expect(reviews).to_contain_text("once you have received it")  # not delivered: no form
    order_id = buy(page, live_store, item_id, 1)

    staff_page.goto(f"{live_store}/warehouses/{warehouse_id}")
    row = staff_page.locator(f"[data-test=suborder-row][data-suborder-id^='{order_id}']")
    expect(row).to_have_count(1, timeout=15_000)
    row.get_by_role("button", name="Mark shipped").click()
    expect(row.locator("[data-test=suborder-status]")).to_have_text("Shipped")
    row.get_by_role("button", name="Mark delivered").click()
    expect(row.locator("[data-test=suborder-status]")).to_have_text("Delivered")

    page.goto(f"{live_store}/items/{item_id}")
    form = page.locator("[data-test=review-form]")
    expect(form).to_contain_text("Write a review")
    form.get_by_label("4 ★").check()
    form.get_by_label("Title").fill("Warm light")
    form.get_by_label("Your review").fill("Easy on the eyes in the evening.")
    form.get_by_role("button", name="Post review").click()

    expect(page.locator("[data-test=review-summary]")).to_contain_text(
        "4.0 out of 5 (1 review)", timeout=10_000
    )
    expect(page.locator("[data-test=review]")).to_have_count(1)
    expect(page.locator("[data-test=review]")).to_contain_text("Warm light")
    expect(page.locator("[data-test=review]")).to_contain_text("Verified buyer")
    page.screenshot(path=str(output_dir / "reviewed.png"), full_page=True)

    page.reload()  # the count under the item's name comes from PostgreSQL
    expect(page.locator(".item__info [data-test=review-count]")).to_have_text("(1 review)")
    form = page.locator("[data-test=review-form]")
    expect(form).to_contain_text("Edit your review")
    expect(form.get_by_label("Title")).to_have_value("Warm light")
    form.get_by_label("5 ★").check()
    form.get_by_role("button", name="Save changes").click()
    expect(page.locator("[data-test=review-summary]")).to_contain_text("5.0 out of 5 (1 review)")
    expect(page.locator("[data-test=review]")).to_have_count(1)
