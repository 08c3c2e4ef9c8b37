"""A shopper registers, adds to the cart and changes it, all without a page reload:
the header badge follows every change (htmx, the CSRF header from <body>, the CSP)."""

from __future__ import annotations

import itertools
import re

import pytest
from playwright.sync_api import expect

from tests.e2e.forms import PASSWORD, sign_up
from tests.stock_world import insert_item

pytestmark = pytest.mark.e2e

_item_ids = itertools.count(870_001)


@pytest.fixture
def item(engine) -> dict:
    """An item of the test's own with 5 units, so the journey never depends on (or
    skips over) what the demo catalogue happens to hold."""
    from sqlalchemy import text

    item_id = next(_item_ids)
    with engine.connect() as conn:
        warehouse = conn.execute(text("SELECT min(id) FROM warehouses")).scalar_one()
    insert_item(
        engine, item_id, {warehouse: 5}, name=f"Cart Journey Kettle {item_id}",
        sku=f"E2E-CART-{item_id}", price=1_250,
    )  # fmt: skip
    return {"itemID": item_id, "price": 1_250}


def test_register_add_to_cart_change_and_remove_with_a_live_badge(
    live_store, page, item, output_dir
):

    sign_up(page, live_store, "cart", f"/items/{item['itemID']}")
    badge = page.locator("[data-test=cart-count]")
    expect(badge).to_have_text("0")

    page.evaluate("window.__sameDocument = true")
    page.get_by_label("Qty").fill("2")
    page.get_by_role("button", name="Add to cart").click()
    expect(page.locator("[data-test=cart-message]")).to_contain_text("Added 2 to your cart")
    expect(badge).to_have_text("2")
    assert page.evaluate("window.__sameDocument") is True
    page.screenshot(path=str(output_dir / "added.png"), full_page=True)

    page.locator("#cart-badge").click()
    expect(page).to_have_url(f"{live_store}/cart")
    page.evaluate("window.__sameDocument = true")
    quantity = page.locator("[data-test=cart-line] input[name=quantity]")
    quantity.fill("3")
    quantity.dispatch_event("change")
    expect(page.locator("#cart-badge [data-test=cart-count]")).to_have_text("3")
    total = f"${item['price'] * 3 // 100:,}.{item['price'] * 3 % 100:02d}"
    expect(page.locator("[data-test=cart-total]")).to_have_text(total)
    page.screenshot(path=str(output_dir / "cart.png"), full_page=True)

    page.get_by_role("button", name=re.compile("^Remove")).click()
    expect(page.locator("[data-test=cart-empty]")).to_be_visible()
    expect(page.locator("#cart-badge [data-test=cart-count]")).to_have_text("0")
    assert page.evaluate("window.__sameDocument") is True


def test_a_signed_out_cart_survives_signing_in(live_store, page, item):
    sign_up(page, live_store, "guest-cart", "/")
    email = page.locator("[data-test=user-email]").inner_text()
    page.get_by_role("button", name="Sign out").click()
    expect(page.get_by_role("link", name="Sign in")).to_be_visible()

    page.goto(f"{live_store}/items/{item['itemID']}")
    page.get_by_label("Qty").fill("2")
    page.get_by_role("button", name="Add to cart").click()
    expect(page.locator("[data-test=cart-message]")).to_contain_text("Added 2 to your cart")
    expect(page.locator("[data-test=cart-count]")).to_have_text("2")

    page.locator("#cart-badge").click()
    page.locator("[data-test=sign-in-to-check-out]").click()
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()

    expect(page).to_have_url(f"{live_store}/cart", timeout=30_000)
    expect(page.locator("[data-test=notices]")).to_contain_text("before signing in")
    expect(page.locator("[data-test=cart-line] input[name=quantity]")).to_have_value("2")
    expect(page.get_by_role("button", name="Begin checkout")).to_be_visible()
