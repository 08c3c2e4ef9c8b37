"""A shopper searches, adds to the cart, begins checkout (the hold counts down live),
pays with the approved test card and lands on the order page, then finds the order in
"My orders" — through the real app, a real worker and real PostgreSQL."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.e2e.forms import pay_and_place_order, sign_up

pytestmark = pytest.mark.e2e


def test_search_add_begin_checkout_pay_and_see_the_order(
    live_store, checkout_worker, page, output_dir, assert_invariants
):
    found = page.request.get(live_store + "/api/v1/items?inStock=true&sort=price_desc&limit=20")
    item = next(i for i in found.json()["items"] if i["inStock"])
    stock_before = page.request.get(f"{live_store}/api/v1/items/{item['itemID']}").json()["stock"]

    sign_up(page, live_store, "checkout", "/")

    page.get_by_role("searchbox").first.press_sequentially(item["name"], delay=10)
    result = page.locator("[data-test=result]", has_text=item["name"]).first
    expect(result).to_be_visible(timeout=10_000)
    result.get_by_role("button", name="Add to cart").click()
    expect(result.locator("[data-test=cart-message]")).to_contain_text("Added")

    page.goto(f"{live_store}/cart")
    page.get_by_role("button", name="Begin checkout").click()
    expect(page).to_have_url(re.compile(r"/checkout/[0-9a-f]{32}$"))
    countdown = page.locator("[data-test=countdown]")
    expect(countdown).to_have_text(re.compile(r"^[45]:\d\d$"))
    shown = countdown.inner_text()
    expect(countdown).not_to_have_text(shown, timeout=5_000)  # it is live
    expect(page.locator("[data-test=checkout-line]")).to_contain_text(item["name"])
    page.screenshot(path=str(output_dir / "checkout.png"), full_page=True)

    pay_and_place_order(page)

    expect(page).to_have_url(re.compile(r"/orders/[0-9a-f]{32}\?placed=1$"), timeout=15_000)
    expect(page.locator("[data-test=order-thanks]")).to_contain_text("Thank you")
    expect(page.locator("[data-test=order-status]")).to_have_text("PENDING")
    expect(page.locator("[data-test=order-line]")).to_contain_text(item["name"])
    page.screenshot(path=str(output_dir / "order.png"), full_page=True)
    order_id = page.locator("[data-test=order-id]").inner_text()

    page.locator("[data-test=orders-link]").click()
    expect(page.locator(f"[data-order-id='{order_id}']")).to_be_visible()
    stock_after = page.request.get(f"{live_store}/api/v1/items/{item['itemID']}").json()["stock"]
    assert stock_after == stock_before - 1
    assert_invariants()


@pytest.fixture
def quick_hold_store(stack_settings, demo_catalog, checkout_worker):
    """The storefront with a 3-second hold, on its own live port, served as `shopflow run`
    serves it (the pages' live-stock stream included)."""
    from dataclasses import replace

    from tests.live_server import ServerThread

    server = ServerThread(replace(stack_settings, reservation_ttl_seconds=3))
    yield server.url
    server.stop()


def test_when_the_countdown_reaches_zero_the_page_says_the_stock_was_released(
    quick_hold_store, page, output_dir
):
    store = quick_hold_store
    found = page.request.get(store + "/api/v1/items?inStock=true&sort=rating&limit=20")
    item = next(i for i in found.json()["items"] if i["inStock"])
    stock_before = page.request.get(f"{store}/api/v1/items/{item['itemID']}").json()["stock"]
    sign_up(page, store, "expiry", f"/items/{item['itemID']}")
    page.get_by_role("button", name="Add to cart").click()
    expect(page.locator("[data-test=cart-message]")).to_contain_text("Added")

    page.goto(f"{store}/cart")
    page.get_by_role("button", name="Begin checkout").click()
    expect(page.locator("[data-test=countdown]")).to_be_visible()

    ended = page.locator("[data-test=checkout-ended]")
    expect(ended).to_contain_text("Your hold on these items expired", timeout=15_000)
    expect(page.locator("[data-test=payment-form]")).to_have_count(0)
    page.screenshot(path=str(output_dir / "expired.png"), full_page=True)
    stock_after = page.request.get(f"{store}/api/v1/items/{item['itemID']}").json()["stock"]
    assert stock_after == stock_before
