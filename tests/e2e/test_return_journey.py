"""In the browser: a shopper returns one unit of a delivered order from the order page, a
warehouse worker marks it received in the portal, and the shopper sees it refunded and
the unit back in stock (docs/returns.md): real app, real worker."""

from __future__ import annotations

import itertools
import time
import uuid

import pytest
from playwright.sync_api import Page, expect
from sqlalchemy import text

from tests.e2e.forms import PASSWORD, sign_up
from tests.e2e.test_fulfilment_journey import buy
from tests.stock_world import insert_item

pytestmark = pytest.mark.e2e

_item_ids = itertools.count(882_001)


@pytest.fixture
def lamp(engine) -> tuple[int, int]:
    """A new item with 3 units in the first warehouse: its id and that warehouse's id."""
    item_id = next(_item_ids)
    with engine.connect() as conn:
        warehouse_id = conn.execute(text("SELECT min(id) FROM warehouses")).scalar_one()
    insert_item(
        engine,
        item_id,
        {warehouse_id: 3},
        name=f"Returnable Lamp {item_id}",
        sku=f"E2E-{item_id}",
        price=4_200,
        description="Too bright for some.",
    )
    return item_id, warehouse_id


@pytest.fixture
def operator_page(watched_context, live_store, engine) -> Page:
    from db.postgres.engine import make_session_factory
    from web.auth.accounts import register

    email = f"e2e-returns-{uuid.uuid4().hex[:10]}@example.com"
    register(make_session_factory(engine), email=email, password=PASSWORD, role="operator")
    page = watched_context().new_page()
    page.goto(f"{live_store}/login")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("button", name="Sign out")).to_be_visible()
    return page


def until_refunded(page: Page, url: str, seconds: float = 30.0) -> None:
    """The returns part reloaded until its return says Refunded (the refund runs after
    the warehouse's click, in the worker)."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        page.goto(url)
        if "Refunded" in page.locator("[data-test=return-status]").first.inner_text():
            return
        time.sleep(0.5)
    raise AssertionError(f"the return at {url} was not refunded within {seconds} s")


def test_a_shopper_returns_a_delivered_unit_and_sees_it_refunded(
    live_store, checkout_worker, page, operator_page, lamp, output_dir, assert_invariants
):
    item_id, warehouse_id = lamp
    sign_up(page, live_store, "returns", f"/items/{item_id}")
    order_id = buy(page, live_store, item_id, 2)
    expect(page.locator("[data-test=parcel]")).to_have_count(1, timeout=15_000)

    operator_page.goto(f"{live_store}/warehouses/{warehouse_id}")
    row = operator_page.locator(f"[data-test=suborder-row][data-suborder-id^='{order_id}']")
    expect(row).to_have_count(1, timeout=10_000)
    row.get_by_role("button", name="Mark shipped").click()
    expect(row.locator("[data-test=suborder-status]")).to_have_text("Shipped")
    row.get_by_role("button", name="Mark delivered").click()
    expect(row.locator("[data-test=suborder-status]")).to_have_text("Delivered")

    page.goto(f"{live_store}/orders/{order_id}")
    form = page.locator("[data-test=return-form]")
    expect(form).to_be_visible(timeout=10_000)  # loaded by htmx once delivered
    form.locator(f"[data-test=return-qty-{item_id}]").fill("1")
    form.locator("[data-test=return-reason]").fill("Too bright")
    form.get_by_role("button", name="Return these items").click()
    expect(page.locator("[data-test=returns-notice]")).to_contain_text("authorised")
    expect(page.locator("[data-test=return-status]")).to_have_text("Authorized")
    return_id = page.locator("[data-test=return]").get_attribute("data-return-id")
    page.screenshot(path=str(output_dir / "authorised.png"), full_page=True)

    operator_page.goto(f"{live_store}/warehouses/{warehouse_id}/returns")
    waiting = operator_page.locator(f"[data-test=awaiting-return][data-return-id='{return_id}']")
    expect(waiting).to_have_count(1)
    waiting.get_by_role("button", name="Received").click()
    expect(operator_page.locator("[data-test=returns-notice]")).to_contain_text("received")
    expect(waiting).to_have_count(0)

    until_refunded(page, f"{live_store}/orders/{order_id}/returns")
    expect(page.locator("[data-test=return]")).to_contain_text("$42.00 refunded")
    page.goto(f"{live_store}/orders/{order_id}")
    events = page.locator("[data-test=timeline-event]")
    for event in ("return-authorized", "return-received", "return-refunded"):
        expect(events.locator(f"xpath=self::*[@data-event='{event}:{return_id}']")).to_be_visible()
    page.screenshot(path=str(output_dir / "refunded.png"), full_page=True)
    stock = page.request.get(f"{live_store}/api/v1/items/{item_id}").json()["stock"]
    assert stock == 2  # 3 - 2 bought + 1 returned
    assert_invariants()
