"""Facet counts are paid for once per search, not once per keystroke.

A keystroke in the search box gets the hits at once and a sidebar that asks
/search/facets for its counts after the typing pauses; a whole page or a click on a
filter counts inline. Either way the counts are the same ones.
"""

from __future__ import annotations

import re
from html import unescape

import pytest

from tests.web.catalogue import ITEMS

pytestmark = [pytest.mark.web, pytest.mark.integration]

TYPED = {"HX-Request": "true", "HX-Trigger-Name": "query", "HX-Trigger": "search-input"}
CLICKED = {"HX-Request": "true", "HX-Trigger-Name": "brand"}


def html(response) -> str:
    assert response.status_code == 200, response.get_data(as_text=True)[:500]
    return response.get_data(as_text=True)


def counts(page: str) -> dict[str, int]:
    pattern = r'<span class="facet__name">([^<]+)</span> <span class="facet__count">(\d+)</span>'
    return {unescape(name): int(n) for name, n in re.findall(pattern, page)}


def facets_url(page: str) -> str | None:
    match = re.search(r'id="facet-counts"[^>]*hx-get="([^"]+)"', page)
    return unescape(match.group(1)) if match else None


def test_a_keystroke_gets_the_hits_and_a_sidebar_that_counts_once_the_typing_pauses(client):
    page = html(client.get("/search", query_string={"query": "kettle"}, headers=TYPED))

    assert 'class="result__name"' in page  # the hits are there at once
    assert counts(page) == {}  # but no count was paid for
    url = facets_url(page)
    assert url is not None and url.startswith("/search/facets?") and "query=kettle" in url
    loader = re.search(r'<div id="facet-counts"[^>]*>', page).group(0)
    assert 'hx-trigger="load delay:600ms"' in loader
    assert 'hx-target="this"' in loader and 'hx-push-url="false"' in loader

    later = html(client.get(url, headers={"HX-Request": "true"}))
    assert later.lstrip().startswith('<div id="facet-counts"') and facets_url(later) is None
    kettles = [i for i in ITEMS if "kettle" in (i.name + " " + i.description).lower()]
    assert sum(counts(later).get(c, 0) for c in {i.category for i in kettles}) >= 1


def test_the_counts_fetched_later_are_the_counts_a_whole_page_shows(client):
    args = {"query": "wireless", "category": "Audio"}
    whole = counts(html(client.get("/search", query_string=args)))
    typed = html(client.get("/search", query_string=args, headers=TYPED))

    later = counts(html(client.get(facets_url(typed))))
    assert whole and later == whole


def test_a_choice_made_before_the_counts_arrive_stays_checked_in_the_form(client):
    page = html(
        client.get("/search", query_string={"query": "tent", "brand": "Acme"}, headers=TYPED)
    )

    assert re.search(r'name="brand" value="Acme"[^>]* checked>', page)
    assert "brand=Acme" in facets_url(page)


def test_clicking_a_filter_counts_inline(client):
    page = html(client.get("/search", query_string={"brand": "Acme"}, headers=CLICKED))

    assert facets_url(page) is None
    assert counts(page)["Acme"] == sum(1 for item in ITEMS if item.brand == "Acme")


def test_the_facets_fragment_refuses_a_bad_search_with_a_400(client):
    response = client.get("/search/facets", query_string={"minDollars": "cheap"})

    assert response.status_code == 400
    assert "minDollars" in response.get_data(as_text=True)
