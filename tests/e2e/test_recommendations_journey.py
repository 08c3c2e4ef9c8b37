"""The home page's shelf arrives after the page: "Popular right now" for a visitor,
"Recommended for you" once a signed-in shopper has searched, in real Chromium."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.e2e.forms import sign_up
from tests.e2e.seen import PHONE, sideways_overflow

pytestmark = pytest.mark.e2e


def test_a_visitor_sees_popular_items_and_a_shopper_who_searched_sees_their_own(
    live_store, page, output_dir
):
    problems: list[str] = []
    page.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)

    page.goto(live_store + "/")
    shelf = page.locator("[data-test=recommendations]")
    expect(shelf.get_by_role("heading")).to_have_text("Popular right now", timeout=20_000)
    expect(shelf.locator("[data-test=recommendation]").first).to_be_visible()
    # The search bar did not wait for the shelf: it is focused and usable.
    expect(page.get_by_role("searchbox")).to_be_focused()
    page.screenshot(path=str(output_dir / "home-visitor.png"), full_page=True)

    sign_up(page, live_store, "recs", "/")
    page.get_by_role("searchbox").first.press_sequentially("kettle", delay=40)
    first = page.locator("[data-test=result]").first
    expect(first).to_contain_text("ettle", timeout=30_000)

    page.goto(live_store + "/")
    expect(shelf.get_by_role("heading")).to_have_text("Recommended for you", timeout=20_000)
    mine = shelf.locator("[data-reason=recent_search]")
    expect(mine.first).to_be_visible()
    expect(mine.first).to_contain_text("ettle")
    page.screenshot(path=str(output_dir / "home-recommended.png"), full_page=True)

    page.set_viewport_size(PHONE)
    assert sideways_overflow(page) == 0
    page.screenshot(path=str(output_dir / "home-recommended-phone.png"), full_page=True)
    assert not [p for p in problems if "Content Security Policy" in p], problems
