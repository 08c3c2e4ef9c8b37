"""What a shopper actually sees: readable text in every field, and a store that works on a
phone (390 x 844) without sideways scrolling. Measured from computed styles and layout
boxes, because a DOM check passes for white text on a white field. Screenshots are kept
under test-results/<test>/ to look at."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.e2e.forms import pay_and_place_order, sign_up
from tests.e2e.seen import (
    PHONE,
    sideways_overflow,
    text_contrast,
    top_within_first_screen,
    unreadable_inputs,
)

pytestmark = pytest.mark.e2e


@pytest.fixture
def phone(browser):
    context = browser.new_context(viewport=PHONE, is_mobile=True, has_touch=True)
    page = context.new_page()
    yield page
    context.close()


def _an_item_in_stock(page, store: str, min_stock: int = 1) -> dict:
    found = page.request.get(store + "/api/v1/items?inStock=true&sort=rating&limit=50")
    for item in found.json()["items"]:
        stock = page.request.get(f"{store}/api/v1/items/{item['itemID']}").json()["stock"]
        if stock >= min_stock:
            return item
    # Fail, never skip: an empty shelf would otherwise hide every check below for good.
    pytest.fail(f"no item with at least {min_stock} in stock in the demo catalogue")


def test_text_typed_in_the_header_search_box_is_readable_on_every_page(
    live_store, page, output_dir
):
    item = _an_item_in_stock(page, live_store)
    for name, path in [
        ("item", f"/items/{item['itemID']}"),
        ("search", "/search?query=kettle"),
        ("login", "/login"),
    ]:
        page.goto(live_store + path)
        box = page.locator("header #search-input")
        box.fill("wireless headphones")
        # On the search page typing searches (htmx swaps the results): let it settle.
        # Not "networkidle": the page's live stock stream (SSE) keeps a request open.
        page.wait_for_timeout(500)
        expect(page.locator(".htmx-request")).to_have_count(0)
        ratio, colours = text_contrast(box)
        assert ratio >= 4.5, f"{name} page: search text contrast {ratio:.2f}:1 {colours}"
        assert unreadable_inputs(page) == [], name
        page.screenshot(path=str(output_dir / f"{name}-header-search.png"))


def test_on_a_phone_the_first_result_is_on_the_first_screen_and_filters_fold_away(
    live_store, phone, output_dir
):
    phone.goto(live_store + "/search?query=headphones")
    first = phone.locator("[data-test=result]").first
    expect(first).to_be_visible()
    assert top_within_first_screen(first, phone), first.bounding_box()
    assert sideways_overflow(phone) == 0
    ratio, _ = text_contrast(phone.locator("#search-input"))
    assert ratio >= 4.5
    category = phone.get_by_role("radio", name="All categories")
    expect(category).to_be_hidden()
    phone.screenshot(path=str(output_dir / "phone-results.png"))

    phone.get_by_text("Filters", exact=True).click()
    expect(category).to_be_visible()
    assert sideways_overflow(phone) == 0
    phone.screenshot(path=str(output_dir / "phone-filters-open.png"))

    # Picking a filter searches; the panel folds again so the results are in view.
    phone.locator(".facet__option", has=phone.locator("input[name=inStock]")).click()
    expect(phone).to_have_url(re.compile(r"inStock=true"))
    expect(phone.locator("[data-test=filters-toggle]")).to_contain_text("(1)")
    expect(phone.locator("[data-test=result]").first).to_be_visible()
    assert top_within_first_screen(phone.locator("[data-test=result]").first, phone)


def test_on_a_wide_screen_the_filters_are_open_without_a_button(live_store, page):
    page.goto(live_store + "/search?query=headphones")
    expect(page.get_by_role("radio", name="All categories")).to_be_visible()
    expect(page.locator("[data-test=filters-toggle]")).to_be_hidden()


def test_on_a_phone_item_cart_checkout_and_order_pages_fit_the_screen(
    live_store, checkout_worker, phone, output_dir
):
    item = _an_item_in_stock(phone, live_store)
    # Generous deadlines: signing up (scrypt) and holding stock are slow on a busy machine.
    sign_up(phone, live_store, "phone", f"/items/{item['itemID']}")

    def fits(name: str) -> None:
        assert sideways_overflow(phone) == 0, f"{name} page scrolls sideways"
        assert unreadable_inputs(phone) == [], name
        phone.screenshot(path=str(output_dir / f"phone-{name}.png"), full_page=True)

    expect(phone.locator("[data-test=price]")).to_be_visible()
    assert top_within_first_screen(phone.locator("[data-test=price]"), phone)
    fits("item")
    phone.get_by_role("button", name="Add to cart").click()
    expect(phone.locator("[data-test=cart-message]")).to_contain_text("Added", timeout=20_000)

    phone.goto(f"{live_store}/cart")
    expect(phone.get_by_role("button", name="Begin checkout")).to_be_visible()
    fits("cart")
    phone.get_by_role("button", name="Begin checkout").click()
    expect(phone).to_have_url(re.compile(r"/checkout/[0-9a-f]{32}$"), timeout=30_000)
    expect(phone.locator("[data-test=countdown]")).to_be_visible()
    fits("checkout")

    pay_and_place_order(phone)
    expect(phone).to_have_url(re.compile(r"/orders/[0-9a-f]{32}\?placed=1$"), timeout=45_000)
    expect(phone.locator("[data-test=order-status]")).to_be_visible()
    fits("order")
    phone.locator("[data-test=orders-link]").click()
    expect(phone.locator("[data-test=order-row]").first).to_be_visible()
    fits("orders")
