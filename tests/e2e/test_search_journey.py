"""A shopper finds wireless headphones despite a typo, without a page reload."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.e2e


def test_a_typo_in_the_search_bar_shows_headphones_and_opens_an_item(
    live_store, page, browser_errors, output_dir
):
    # Typing on replaces the request still in flight (hx-sync): htmx logs each abort it
    # causes on purpose as an error. Any other error still fails the test.
    browser_errors.expect(r"^htmx:(sendAbort|afterRequest), \[object HTMLDivElement\]$")
    page.goto(live_store + "/")
    page.evaluate("window.__sameDocument = true")
    facet_requests: list[str] = []
    page.on("request", lambda r: "/search/facets" in r.url and facet_requests.append(r.url))

    search = page.get_by_role("searchbox").first
    typed = "wireles headphnes"
    search.press_sequentially(typed, delay=40)

    first_result = page.locator("[data-test=result]").first
    expect(first_result).to_be_visible(timeout=10_000)
    expect(first_result).to_contain_text(re.compile("headphones", re.I))
    # Still the same document: HTMX swapped the results in, no reload happened.
    assert page.evaluate("window.__sameDocument") is True
    # The sidebar's counts arrive once the typing has paused, not once per keystroke,
    # and fetching them leaves the address bar on the search.
    expect(page.locator("#facet-counts .facet__count").first).to_be_visible(timeout=10_000)
    assert 1 <= len(facet_requests) < len(typed), facet_requests
    assert "/search/facets" not in page.url
    page.screenshot(path=str(output_dir / "search-results.png"), full_page=True)

    first_result.locator("a").first.click()
    expect(page).to_have_url(re.compile(r"/items/\d+"))
    expect(page.locator("[data-test=price]")).to_contain_text("$")
    expect(page.locator("[data-test=stock]")).to_be_visible()
    page.screenshot(path=str(output_dir / "item-page.png"), full_page=True)
