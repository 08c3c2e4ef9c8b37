"""In the browser: an operator (made with `shopflow users create --role operator`) signs
in, finds a shopper's order on the order desk by the shopper's email and cancels it with
a reason; the stock comes back and the shopper's timeline shows why — real app, real
worker."""

from __future__ import annotations

import itertools
import uuid

import pytest
from click.testing import CliRunner
from playwright.sync_api import expect
from sqlalchemy import text

from tests.e2e.forms import PASSWORD, sign_up
from tests.e2e.seen import sideways_overflow
from tests.e2e.test_fulfilment_journey import buy
from tests.stock_world import insert_item
from web.auth.cli import users_group

pytestmark = pytest.mark.e2e

_item_ids = itertools.count(881_001)


@pytest.fixture
def operator_page(watched_context, live_store, stack_settings):
    email = f"e2e-operator-{uuid.uuid4().hex[:10]}@example.com"
    made = CliRunner().invoke(
        users_group,
        ["create", "--email", email, "--password", PASSWORD, "--role", "operator"],
        env=stack_settings.service_env(),
    )
    assert made.exit_code == 0, made.output
    page = watched_context().new_page()
    page.goto(f"{live_store}/login")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("button", name="Sign out")).to_be_visible()
    return page


def test_an_operator_finds_an_order_by_email_and_cancels_it(
    live_store, checkout_worker, page, operator_page, engine, output_dir, assert_invariants
):
    item_id = next(_item_ids)
    with engine.begin() as conn:
        warehouse = conn.execute(text("SELECT min(id) FROM warehouses")).scalar_one()
    insert_item(engine, item_id, {warehouse: 3}, name=f"Desk Kettle {item_id}",
                sku=f"E2E-{item_id}", price=2_500, description="Boils.")  # fmt: skip
    sign_up(page, live_store, "desk", f"/items/{item_id}")
    order_id = buy(page, live_store, item_id, 2)
    with engine.connect() as conn:
        email = conn.execute(
            text("SELECT u.email FROM users u JOIN orders o ON o.user_id = u.id WHERE o.id = :o"),
            {"o": order_id},
        ).scalar_one()

    desk = operator_page
    desk.goto(live_store + "/")
    desk.locator("[data-test=order-desk-link]").click()
    desk.get_by_label("Order number or customer email").fill(email.upper())
    desk.get_by_role("button", name="Find").click()
    expect(desk.locator("[data-test=staff-customer-email]")).to_have_text(email)
    desk.get_by_role("link", name=order_id).click()
    expect(desk.locator("[data-test=staff-order-customer]")).to_contain_text(email)
    expect(desk.locator("[data-test=staff-parcel]")).to_have_count(1, timeout=30_000)
    desk.get_by_label("Reason to cancel (shown on the order's timeline)").fill(
        "Shopper phoned: wrong size"
    )
    desk.get_by_role("button", name="Cancel order").click()

    expect(desk.locator("[data-test=staff-order-status]")).to_have_text("CANCELLED")
    expect(desk.locator("[data-test=staff-order-cancelled]")).to_be_visible()
    expect(desk.locator("[data-test=timeline]")).to_contain_text(
        "Cancelled by the store: Shopper phoned: wrong size"
    )
    desk.screenshot(path=str(output_dir / "order-desk-cancelled.png"), full_page=True)
    assert sideways_overflow(desk) == 0  # the staff header's links wrap instead
    page.goto(f"{live_store}/orders/{order_id}")
    expect(page.locator("[data-test=order-status]")).to_have_text("CANCELLED")
    expect(page.locator("[data-test=timeline]")).to_contain_text("Shopper phoned: wrong size")
    with engine.connect() as conn:
        stock = conn.execute(
            text("SELECT stock FROM aggregated_stock WHERE item_id = :i"), {"i": item_id}
        ).scalar_one()
    assert stock == 3
    assert_invariants()
