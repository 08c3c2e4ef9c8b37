"""Search pages on the fast layer (tests/web/fakes.py: the catalogue searched in memory):
full page or htmx fragment, search-as-you-type, the sidebar, load more, the address bar,
bad input shown in place. Moved from test_pages.py, which keeps the item pages (stock
from PostgreSQL) and the 404s."""

from __future__ import annotations

import re
from html import unescape

import pytest

from tests.web.catalogue import BY_ID, ITEMS

pytestmark = pytest.mark.web

HTMX = {"HX-Request": "true"}


def html(response) -> str:
    return response.get_data(as_text=True)


def item_ids(page: str) -> list[int]:
    return [int(i) for i in re.findall(r'class="result__name" href="/items/(\d+)"', page)]


def test_the_home_page_is_a_big_search_bar_that_searches_as_you_type(fast_client):
    response = fast_client.get("/")

    page = html(response)
    assert response.status_code == 200
    assert "search-box--hero" in page
    assert 'hx-get="/search"' in page
    assert 'hx-trigger="input changed delay:300ms, search"' in page
    assert 'hx-target="#search-body"' in page and 'id="search-body"' in page
    assert 'hx-push-url="true"' in page
    assert "shopflow" in page


def test_pages_load_htmx_from_this_server_never_a_cdn(fast_client):
    page = html(fast_client.get("/"))

    scripts = re.findall(r'<script[^>]*src="([^"]+)"', page)
    assert scripts == ["/static/vendor/htmx.min.js", "/static/vendor/sse.min.js"]
    assert fast_client.get(scripts[0]).status_code == 200
    assert fast_client.get("/static/vendor/sse.min.js").status_code == 200
    assert fast_client.get("/static/css/app.css").status_code == 200
    assert "default-src 'self'" in fast_client.get("/").headers["Content-Security-Policy"]


def test_a_normal_search_request_gets_the_whole_page(fast_client):
    response = fast_client.get("/search", query_string={"query": "kettle"})

    page = html(response)
    assert response.status_code == 200
    assert page.lstrip().startswith("<!doctype html>") and "<html" in page
    assert 'id="search-body"' in page
    assert "HX-Request" in response.headers["Vary"]
    assert set(item_ids(page)) == {i.id for i in ITEMS if "kettle" in i.name.lower()}


def test_an_htmx_search_request_gets_only_the_results_fragment(fast_client):
    response = fast_client.get("/search", query_string={"query": "kettle"}, headers=HTMX)

    page = html(response)
    assert response.status_code == 200
    assert "<html" not in page and "<head" not in page and "site-header" not in page
    assert 'id="filters"' in page
    assert "HX-Request" in response.headers["Vary"]
    assert len(item_ids(page)) == 4


@pytest.mark.parametrize("extra", [{"HX-Boosted": "true"}, {"HX-History-Restore-Request": "true"}])
def test_boosted_and_history_restore_requests_get_the_whole_page(fast_client, extra):
    response = fast_client.get(
        "/search", query_string={"query": "kettle"}, headers={**HTMX, **extra}
    )

    assert "<html" in html(response)


def test_items_is_another_address_for_the_search_page(fast_client):
    page = html(fast_client.get("/items", query_string={"query": "tent"}))

    assert len(item_ids(page)) == 3


def test_the_sidebar_shows_facet_counts_and_keeps_the_shoppers_choices(fast_client):
    page = html(fast_client.get("/search", query_string={"category": "Kitchen", "brand": "Acme"}))

    def facet(name: str, checked: bool, count: int) -> str:
        mark = r"[^>]* checked>" if checked else r"[^>]*(?<! checked)>"
        return (
            rf'value="{re.escape(name)}"{mark}\s*<span class="facet__name">{re.escape(name)}</span> '
            rf'<span class="facet__count">{count}</span>'
        )

    # Each facet counts as if its own choice were not made: the shopper sees what
    # switching category (among Acme items) or adding a brand (in Kitchen) would give.
    acme = [i for i in ITEMS if i.brand == "Acme"]
    kitchen = [i for i in ITEMS if i.category == "Kitchen"]
    assert re.search(facet("Kitchen", True, sum(i.category == "Kitchen" for i in acme)), page)
    assert re.search(facet("Audio", False, sum(i.category == "Audio" for i in acme)), page)
    assert re.search(facet("Acme", True, sum(i.brand == "Acme" for i in kitchen)), page)
    assert re.search(facet("Northwind", False, sum(i.brand == "Northwind" for i in kitchen)), page)


def test_the_browser_price_range_is_in_dollars(fast_client):
    page = html(
        fast_client.get(
            "/search", query_string={"minDollars": "20", "maxDollars": "39.99", "limit": "100"}
        )
    )

    expected = {i.id for i in ITEMS if 2000 <= i.price <= 3999}
    assert set(item_ids(page)) == expected
    assert 'name="minDollars"' in page and 'value="20"' in page and 'value="39.99"' in page


def test_the_in_stock_toggle_and_sort_select_drive_the_results(fast_client):
    page = html(
        fast_client.get(
            "/search", query_string={"inStock": "true", "sort": "price_desc", "limit": "100"}
        )
    )

    ids = item_ids(page)
    prices = [BY_ID[i].price for i in ids]
    assert prices == sorted(prices, reverse=True)
    assert all(BY_ID[i].total_stock > 0 for i in ids)
    assert '<option value="price_desc" selected>' in page


def test_load_more_appends_the_next_rows_until_everything_is_shown(fast_client):
    page = html(fast_client.get("/search", query_string={"limit": "7"}, headers=HTMX))
    seen = item_ids(page)
    while True:
        match = re.search(r'hx-get="([^"]+)" hx-target="closest li"', page)
        if match is None:
            break
        page = html(fast_client.get(unescape(match.group(1)), headers=HTMX))
        assert 'id="filters"' not in page  # just rows, swapped in place of the button's row
        assert page.lstrip().startswith("<li")
        seen += item_ids(page)

    assert sorted(seen) == sorted(BY_ID)


def test_bad_browser_input_shows_the_message_on_the_page(fast_client):
    full = fast_client.get("/search", query_string={"minDollars": "cheap"})
    fragment = fast_client.get(
        "/search", query_string={"minDollars": "50", "maxDollars": "10"}, headers=HTMX
    )

    assert full.status_code == 400 and "<html" in html(full)
    assert "minDollars must be an amount in dollars" in html(full)
    assert fragment.status_code == 400 and "<html" not in html(fragment)
    assert "minimum price must not be greater than the maximum price" in html(fragment)


def test_a_tampered_load_more_link_says_so_in_place(fast_client):
    response = fast_client.get("/search", query_string={"nextCursor": "forged"}, headers=HTMX)

    assert response.status_code == 400
    assert html(response).lstrip().startswith('<li class="notice')


def test_the_address_bar_gets_the_tidy_search_url_not_the_raw_form(fast_client):
    response = fast_client.get(
        "/search",
        query_string={
            "query": "kettle",
            "category": "",
            "minDollars": "",
            "sort": "relevance",
            "limit": "5",
        },
        headers=HTMX,
    )

    assert response.headers["HX-Push-Url"] == "/search?query=kettle&limit=5"
    assert '<input type="hidden" name="limit" value="5">' in html(response)


def test_load_more_rows_never_change_the_address_bar(fast_client):
    first = html(fast_client.get("/search", query_string={"limit": "5"}, headers=HTMX))
    next_url = unescape(re.search(r'hx-get="([^"]+)" hx-target="closest li"', first).group(1))

    assert "HX-Push-Url" not in fast_client.get(next_url, headers=HTMX).headers


def stream_items(page: str) -> str:
    return unescape(re.search(r'sse-connect="/live/stock\?view=card&amp;items=([^"]*)"', page)[1])


def test_load_more_rows_bring_a_stock_stream_naming_every_card_now_shown(fast_client):
    first = html(fast_client.get("/search", query_string={"limit": "5"}, headers=HTMX))
    first_ids = item_ids(first)
    assert stream_items(first) == ",".join(
        f"{i}:{int(BY_ID[i].total_stock > 0)}" for i in first_ids
    )
    more_url = unescape(re.search(r'hx-get="([^"]+)" hx-target="closest li"', first).group(1))

    more = html(fast_client.get(more_url, headers=HTMX))

    new_ids = item_ids(more)
    assert new_ids and not set(new_ids) & set(first_ids)
    # The old cards' stock is left unsaid (the stream sends it on connecting).
    assert stream_items(more) == ",".join(
        [str(i) for i in first_ids] + [f"{i}:{int(BY_ID[i].total_stock > 0)}" for i in new_ids]
    )
    assert 'id="card-stream"' in more and 'hx-swap-oob="true"' in more
    for item_id in first_ids + new_ids:  # one listener per card, swapping its stock line by id
        assert f'sse-swap="stock-{item_id}" hx-target="#card-stock-{item_id}"' in more
    for item_id in new_ids:
        assert f'id="card-stock-{item_id}"' in more


def test_a_forged_list_of_shown_cards_is_a_400_in_place(fast_client):
    first = html(fast_client.get("/search", query_string={"limit": "5"}, headers=HTMX))
    more_url = unescape(re.search(r'hx-get="([^"]+)" hx-target="closest li"', first).group(1))

    response = fast_client.get(more_url.replace("shown=", "shown=1%2Cx%2C"), headers=HTMX)

    assert response.status_code == 400
    assert "shown must be at most 100 comma-separated item ids" in html(response)
