"""A search not met as typed says so, on the page and in the API: words dropped to find
anything ("no exact match"), or words found only as the catalogue spells them ("did you
mean"). On the fast layer: FakeSearch relaxes a query as Typesense does (tests/web/fakes.py);
the real engine's answer is read in tests/web/test_search_relevance.py."""

from __future__ import annotations

import re
from html import unescape

import pytest

pytestmark = pytest.mark.web

HTMX = {"HX-Request": "true"}


def api(client, text: str) -> dict:
    response = client.get("/api/v1/items", query_string={"query": text})
    assert response.status_code == 200, response.get_json()
    return response.get_json()


def page_text(client, text: str, **headers: str) -> str:
    response = client.get("/search", query_string={"query": text}, headers=headers)
    assert response.status_code == 200
    return " ".join(unescape(re.sub(r"<[^>]+>", "", response.get_data(as_text=True))).split())


def test_the_api_says_which_words_the_results_are_for_when_some_were_dropped(fast_client):
    body = api(fast_client, "kettle dress")  # the store sells kettles, no dresses

    assert body["found"] > 0
    assert (body["exactMatch"], body["relaxedQuery"], body["didYouMean"]) == (
        False,
        "kettle",
        None,
    )


def test_the_api_offers_the_catalogues_spelling_of_a_misspelt_word(fast_client):
    body = api(fast_client, "headphnes")

    assert body["found"] > 0
    assert (body["exactMatch"], body["relaxedQuery"], body["didYouMean"]) == (
        False,
        None,
        "headphones",
    )


def test_a_search_met_as_typed_is_an_exact_match(fast_client):
    body = api(fast_client, "wireless headphones")
    assert (body["exactMatch"], body["relaxedQuery"], body["didYouMean"]) == (True, None, None)


def test_a_word_nothing_in_the_catalogue_is_close_to_gets_no_suggestion(fast_client):
    body = api(fast_client, "iphone")
    assert (body["found"], body["exactMatch"], body["didYouMean"]) == (0, False, None)


@pytest.mark.parametrize("headers", [{}, HTMX], ids=["whole page", "htmx fragment"])
def test_the_page_says_there_was_no_exact_match(fast_client, headers):
    text = page_text(fast_client, "kettle dress", **headers)
    assert "No exact match for “kettle dress”; showing results for “kettle”." in text


def test_the_page_asks_did_you_mean_with_a_link_to_that_search(fast_client):
    response = fast_client.get("/search", query_string={"query": "headphnes"})
    page = response.get_data(as_text=True)

    assert 'data-test="did-you-mean"' in page
    assert 'href="/search?query=headphones"' in page
    assert "No exact match" not in page


def test_an_exact_search_shows_no_notice(fast_client):
    page = fast_client.get("/search", query_string={"query": "kettle"}).get_data(as_text=True)
    assert 'data-test="no-exact-match"' not in page and 'data-test="did-you-mean"' not in page
