"""A shopper whose words the store cannot meet as typed is told so: "no exact match" when
words were dropped, "did you mean" when a word was misspelt, popular items when nothing
was found at all; a signed-in shopper sees recommendations beside the results, each with
its reason (docs/search.md)."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.e2e.forms import sign_up

pytestmark = pytest.mark.e2e


def test_a_search_with_a_word_the_store_lacks_says_there_was_no_exact_match(
    live_store, page, output_dir
):
    page.goto(live_store + "/search?query=red+dress")  # the demo store sells no dresses

    notice = page.locator("[data-test=no-exact-match]")
    expect(notice).to_be_visible()
    expect(notice).to_have_text(
        re.compile(r"No exact match for “red dress”;\s+showing results for\s+“red”\.")
    )
    expect(page.locator("[data-test=result]").first).to_contain_text(re.compile("red", re.I))
    page.screenshot(path=str(output_dir / "no-exact-match.png"), full_page=True)


def test_a_misspelt_search_offers_the_catalogues_spelling_and_follows_it(
    live_store, page, browser_errors, output_dir
):
    browser_errors.expect(r"^htmx:(sendAbort|afterRequest), \[object HTMLDivElement\]$")
    page.goto(live_store + "/")
    page.get_by_role("searchbox").first.press_sequentially("headphnes", delay=40)

    suggestion = page.locator("[data-test=did-you-mean]")
    expect(suggestion).to_contain_text("Did you mean “headphones”?", timeout=10_000)
    page.screenshot(path=str(output_dir / "did-you-mean.png"), full_page=True)

    suggestion.get_by_role("link").click()
    expect(page).to_have_url(re.compile(r"/search\?query=headphones$"))
    expect(page.locator("[data-test=result]").first).to_contain_text("Headphones")
    expect(page.locator("[data-test=did-you-mean]")).to_have_count(0)


def test_a_search_that_finds_nothing_offers_popular_items_and_no_made_up_word(
    live_store, page, output_dir
):
    page.goto(live_store + "/search?query=iphone")

    expect(page.get_by_text("No items match.")).to_be_visible()
    expect(page.locator("[data-test=did-you-mean]")).to_have_count(0)
    row = page.locator("[data-test=search-recommendations]")
    expect(row.get_by_text("Popular right now")).to_be_visible(timeout=10_000)
    expect(row.locator("[data-test=recommendation]").first).to_be_visible()
    # The row is loaded beside the results: the page and its address stay the search's.
    expect(page.get_by_text("No items match.")).to_be_visible()
    expect(page).to_have_url(re.compile(r"/search\?query=iphone$"))
    page.screenshot(path=str(output_dir / "nothing-found.png"), full_page=True)


def test_a_signed_in_shopper_sees_recommendations_beside_the_results_with_reasons(
    live_store, page, browser_errors, output_dir
):
    browser_errors.expect(r"^htmx:(sendAbort|afterRequest), \[object HTMLDivElement\]$")
    sign_up(page, live_store, "search-row", "/search?query=backpack")
    expect(page.locator("[data-test=result]").first).to_be_visible()
    rows: list[str] = []
    page.on("request", lambda r: "/recommendations/search" in r.url and rows.append(r.url))

    search = page.get_by_role("searchbox").first
    search.fill("")
    search.press_sequentially("kettle", delay=40)

    row = page.locator("[data-test=search-recommendations]")
    expect(row.get_by_text("You might also like")).to_be_visible(timeout=10_000)
    expect(row.get_by_text("Because you searched for “backpack”").first).to_be_visible()
    first_result = page.locator("[data-test=result]").first
    expect(first_result).to_contain_text(re.compile("kettle", re.I))
    expect(page).to_have_url(re.compile(r"/search\?query=kettle$"))
    # Fetched once the typing paused, not once per keystroke.
    assert rows and rows[-1].endswith("query=kettle") and len(rows) < len("kettle"), rows
    page.screenshot(path=str(output_dir / "search-with-recommendations.png"), full_page=True)
