"""Two shoppers on one item: while one begins checkout for the last units, the other's
item page says "Out of stock" and hides Add to cart; when the first cancels, it comes
back: no reload, pushed over SSE through the relay from PostgreSQL."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect
from sqlalchemy import text

from tests.e2e.forms import sign_up

pytestmark = pytest.mark.e2e
# Generous: the machine running the suite may be busy (no timing is asserted).
WAIT = 20_000


def register(page, store: str, next_path: str) -> None:
    sign_up(page, store, "live", next_path)


def hold_every_unit(buyer, store: str, item_id: int, units: int) -> None:
    """A second shopper signs up, puts all `units` in the cart and begins checkout: the
    hold takes the item's stock to 0 (Cancel checkout gives it back)."""
    register(buyer, store, f"/items/{item_id}")
    buyer.get_by_label("Qty").fill(str(units))
    buyer.get_by_role("button", name="Add to cart").click()
    expect(buyer.locator("[data-test=cart-message]")).to_contain_text("Added", timeout=WAIT)
    buyer.goto(f"{store}/cart")
    buyer.get_by_role("button", name="Begin checkout").click()
    expect(buyer).to_have_url(re.compile(r"/checkout/[0-9a-f]{32}$"), timeout=WAIT)


def test_one_shopper_takes_the_last_units_and_the_others_page_follows_without_a_reload(
    live_store, browser, engine, checkout_worker, output_dir, assert_invariants
):
    with engine.connect() as conn:  # an item with a few units left, untouched by others
        item_id, units = conn.execute(
            text(
                "SELECT item_id, stock FROM aggregated_stock WHERE stock BETWEEN 2 AND 5 "
                "ORDER BY item_id DESC LIMIT 1"
            )
        ).one()
    watcher = browser.new_context().new_page()
    buyer = browser.new_context().new_page()
    problems: list[str] = []
    watcher.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)

    register(watcher, live_store, f"/items/{item_id}")
    stock_line = watcher.locator("[data-test=stock]")
    expect(stock_line).to_have_text(f"Only {units} left", timeout=WAIT)
    expect(watcher.get_by_role("button", name="Add to cart")).to_be_visible(timeout=WAIT)
    watcher.evaluate("window.__sameDocument = true")

    hold_every_unit(buyer, live_store, item_id, units)

    expect(stock_line).to_have_text("Out of stock", timeout=WAIT)
    expect(watcher.locator("[data-test=sold-out]")).to_be_visible(timeout=WAIT)
    expect(watcher.get_by_role("button", name="Add to cart")).to_have_count(0, timeout=WAIT)
    watcher.screenshot(path=str(output_dir / "sold-out.png"), full_page=True)

    buyer.get_by_role("button", name="Cancel checkout").click()
    expect(stock_line).to_have_text(f"Only {units} left", timeout=WAIT)
    expect(watcher.get_by_role("button", name="Add to cart")).to_be_visible(timeout=WAIT)
    assert watcher.evaluate("window.__sameDocument") is True  # never reloaded
    assert not problems, problems
    watcher.context.close()
    buyer.context.close()
    assert_invariants()


def test_a_cart_says_out_of_stock_since_you_added_it_while_someone_else_takes_the_units(
    live_store, browser, engine, checkout_worker, assert_invariants
):
    with engine.connect() as conn:  # another item with a few units left
        item_id, units = conn.execute(
            text(
                "SELECT item_id, stock FROM aggregated_stock WHERE stock BETWEEN 2 AND 5 "
                "ORDER BY item_id DESC OFFSET 1 LIMIT 1"
            )
        ).one()
    shopper = browser.new_context().new_page()
    rival = browser.new_context().new_page()
    problems: list[str] = []
    shopper.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)

    register(shopper, live_store, f"/items/{item_id}")
    shopper.get_by_role("button", name="Add to cart").click()
    expect(shopper.locator("[data-test=cart-message]")).to_contain_text("Added", timeout=WAIT)
    shopper.goto(f"{live_store}/cart")
    warning = shopper.locator("[data-test=line-warning]")
    expect(warning).to_have_count(0, timeout=WAIT)
    shopper.evaluate("window.__sameDocument = true")

    hold_every_unit(rival, live_store, item_id, units)

    expect(warning).to_have_text("Out of stock since you added it.", timeout=WAIT)
    rival.get_by_role("button", name="Cancel checkout").click()
    expect(warning).to_have_count(0, timeout=WAIT)
    assert shopper.evaluate("window.__sameDocument") is True
    assert not problems, problems
    shopper.context.close()
    rival.context.close()
    assert_invariants()


def test_a_search_card_that_came_with_load_more_says_out_of_stock_when_its_item_sells_out(
    live_store, browser, engine, checkout_worker, assert_invariants
):
    watcher = browser.new_context().new_page()
    buyer = browser.new_context().new_page()
    problems: list[str] = []
    watcher.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)

    watcher.goto(f"{live_store}/search?limit=4")
    cards = watcher.locator("[data-test=result]")
    expect(cards).to_have_count(4, timeout=WAIT)
    watcher.evaluate("window.__sameDocument = true")
    watcher.get_by_role("link", name="Load more").first.click()
    expect(cards).to_have_count(8, timeout=WAIT)
    appended = [
        int(cards.nth(i).locator(".result__name").get_attribute("href").rsplit("/", 1)[1])
        for i in range(4, 8)
    ]
    with engine.connect() as conn:  # an appended card whose units one cart can take
        item_id, units = conn.execute(
            text(
                "SELECT item_id, stock FROM aggregated_stock "
                "WHERE item_id = ANY(:ids) AND stock BETWEEN 1 AND 100 ORDER BY stock LIMIT 1"
            ),
            {"ids": appended},
        ).one()
    card_stock = watcher.locator(f"#card-stock-{item_id} [data-test=card-stock]")
    expect(card_stock).to_have_text("In stock", timeout=WAIT)

    hold_every_unit(buyer, live_store, item_id, units)

    expect(card_stock).to_have_text("Out of stock", timeout=WAIT)
    buyer.get_by_role("button", name="Cancel checkout").click()
    expect(card_stock).to_have_text("In stock", timeout=WAIT)
    assert watcher.evaluate("window.__sameDocument") is True  # never reloaded
    assert not problems, problems
    watcher.context.close()
    buyer.context.close()
    assert_invariants()
