"""Two shoppers on one item: while one begins checkout for the last units, the other's
item page says "Out of stock" and hides Add to cart; when the first cancels, it comes
back: no reload, pushed over SSE through the relay from PostgreSQL."""

from __future__ import annotations

import re
import uuid

import pytest
from playwright.sync_api import expect
from sqlalchemy import text

pytestmark = pytest.mark.e2e


def register(page, store: str, next_path: str) -> None:
    page.goto(f"{store}/register?next={next_path}")
    page.get_by_label("Email").fill(f"e2e-live-{uuid.uuid4().hex[:10]}@example.com")
    page.get_by_label("Password").fill("correct horse battery")
    page.get_by_role("button", name="Create account").click()
    expect(page).to_have_url(f"{store}{next_path}")


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
    expect(stock_line).to_have_text(f"Only {units} left")
    expect(watcher.get_by_role("button", name="Add to cart")).to_be_visible()
    watcher.evaluate("window.__sameDocument = true")

    register(buyer, live_store, f"/items/{item_id}")
    buyer.get_by_label("Qty").fill(str(units))
    buyer.get_by_role("button", name="Add to cart").click()
    expect(buyer.locator("[data-test=cart-message]")).to_contain_text("Added")
    buyer.goto(f"{live_store}/cart")
    buyer.get_by_role("button", name="Begin checkout").click()
    expect(buyer).to_have_url(re.compile(r"/checkout/[0-9a-f]{32}$"))

    expect(stock_line).to_have_text("Out of stock", timeout=15_000)
    expect(watcher.locator("[data-test=sold-out]")).to_be_visible()
    expect(watcher.get_by_role("button", name="Add to cart")).to_have_count(0)
    watcher.screenshot(path=str(output_dir / "sold-out.png"), full_page=True)

    buyer.get_by_role("button", name="Cancel checkout").click()
    expect(stock_line).to_have_text(f"Only {units} left", timeout=15_000)
    expect(watcher.get_by_role("button", name="Add to cart")).to_be_visible()
    assert watcher.evaluate("window.__sameDocument") is True  # never reloaded
    assert not problems, problems
    watcher.context.close()
    buyer.context.close()
    assert_invariants()
