"""In real Chromium, the search page and the item page show real product pictures: each
`<img>` is fetched from the media route, decoded, and wider than zero."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.e2e

DECODED = "img => img.complete && img.naturalWidth > 0"


def test_search_results_and_the_item_page_show_decoded_pictures(live_store, page, output_dir):
    page.goto(live_store + "/search?query=kettle")
    results = page.locator("[data-test=result]")
    expect(results.first).to_be_visible(timeout=30_000)
    pictures = page.locator("[data-test=result] img[data-test=picture]")
    expect(pictures.first).to_be_visible()
    for index in range(min(3, pictures.count())):
        picture = pictures.nth(index)
        picture.scroll_into_view_if_needed()  # cards load lazily
        picture.evaluate("img => img.decode()")
        assert picture.evaluate(DECODED), picture.get_attribute("src")
        assert picture.get_attribute("srcset").count("w,") == 2
    page.screenshot(path=str(output_dir / "search-pictures.png"), full_page=False)

    results.first.locator("a.result__name").click()
    main = page.locator("img.item__image")
    expect(main).to_be_visible(timeout=20_000)
    main.evaluate("img => img.decode()")
    assert main.evaluate(DECODED)
    assert main.evaluate("img => img.naturalWidth") >= 160
    assert main.get_attribute("loading") is None  # the main picture is not lazy
    page.screenshot(path=str(output_dir / "item-picture.png"), full_page=False)
