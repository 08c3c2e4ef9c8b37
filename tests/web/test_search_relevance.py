"""Search ranks the thing searched for, and the cheaper matching keeps the answers.

For "kettle", "backpack" and "headphones" at least eight of the top ten are that kind of
product, and a brand that merely contains the word ranks below all of them (the field
weights of db/search/typesense_request.py; docs/search.md, "Relevance").

For every query of the search benchmark's mix, on a generated catalogue, the top ten
with today's parameters and with the parameters before the change (two typos and a
prefix on every field, description included) share at least eight items. The old
parameters are written out here on purpose: they are the baseline, not the code.
"""

from __future__ import annotations

import re

import pytest

from bench.search import QUERY_MIX, _search_query
from db.search.index import make_typesense_client
from db.search.query_match import QueryMatch
from db.search.typesense_request import hits_search_body, parse_hits
from tests.web.generated_catalogue import load_generated

pytestmark = [pytest.mark.integration]

BEFORE = {"num_typos": 2, "prefix": "true"}
ITEMS = 20_000


@pytest.fixture(scope="module")
def catalogue(isolated_settings):
    return load_generated(isolated_settings("search_relevance"), ITEMS, warehouses=(4, 7), seed=7)


def top_ten(client, collection: str, text: str, filters: dict[str, str], **override) -> list[int]:
    body = hits_search_body(collection, _search_query(text, filters), page=1, per_page=10)
    body["searches"][0].update(override)
    (result,) = client.multi_search.perform(body, {})["results"]
    assert "error" not in result, result
    return [int(hit["document"]["item_id"]) for hit in result["hits"]]


@pytest.mark.parametrize(("text", "filters"), QUERY_MIX, ids=[text for text, _ in QUERY_MIX])
def test_the_cheaper_matching_keeps_at_least_eight_of_the_top_ten(catalogue, text, filters):
    client = make_typesense_client(catalogue)
    collection = catalogue.typesense_collection

    now = top_ten(client, collection, text, filters)
    before = top_ten(client, collection, text, filters, **BEFORE)

    assert len(before) == 10, f"{text!r} should match at least ten generated items"
    assert len(set(now) & set(before)) >= 8, (text, now, before)


def test_a_misspelt_name_is_still_found_with_the_cheaper_matching(catalogue):
    client = make_typesense_client(catalogue)
    collection = catalogue.typesense_collection

    misspelt = top_ten(client, collection, "wireles headphnes", {})
    spelt = top_ten(client, collection, "wireless headphones", {})
    assert len(set(misspelt) & set(spelt)) >= 8


PRICED = [
    (text, filters) for text, filters in QUERY_MIX if "minPrice" in filters or "maxPrice" in filters
]


@pytest.mark.parametrize(("text", "filters"), PRICED, ids=[text for text, _ in PRICED])
def test_a_price_bound_as_one_range_finds_exactly_what_two_comparisons_found(
    catalogue, text, filters
):
    client = make_typesense_client(catalogue)
    query = _search_query(text, filters)
    body = hits_search_body(catalogue.typesense_collection, query, page=1, per_page=20)
    assert "price:[" in body["searches"][0]["filter_by"]
    comparisons = " && ".join(
        clause
        for clause, bound in (
            (f"price:>={query.min_price}", query.min_price),
            (f"price:<={query.max_price}", query.max_price),
        )
        if bound is not None
    )
    (ranged,) = client.multi_search.perform(body, {})["results"]
    body["searches"][0]["filter_by"] = comparisons
    (compared,) = client.multi_search.perform(body, {})["results"]

    assert ranged["found"] == compared["found"] > 0
    assert [hit["document"]["item_id"] for hit in ranged["hits"]] == [
        hit["document"]["item_id"] for hit in compared["hits"]
    ]


# The kind of product each query is for: the word in the item's name apart from its
# brand. The generator makes brands that contain these words but make something else
# ("Kettle & Co." coffee makers, "Backpack Outfitters" bottles, "Headphones Direct"
# earbuds), so each query has a wrong answer to rank below the right ones.
PRODUCT_WORDS = ("kettle", "backpack", "headphones")
PAGE = 250  # Typesense's largest page


def titles_in_order(client, collection: str, text: str, *, pages: int) -> list[tuple[str, str]]:
    """(name, brand) of the best matches, best first, over up to `pages` pages of PAGE."""
    ranked: list[tuple[str, str]] = []
    for page in range(1, pages + 1):
        body = hits_search_body(collection, _search_query(text, {}), page=page, per_page=PAGE)
        body["searches"][0]["include_fields"] = "name,brand"
        (result,) = client.multi_search.perform(body, {})["results"]
        assert "error" not in result, result
        ranked += [(hit["document"]["name"], hit["document"]["brand"]) for hit in result["hits"]]
        if len(ranked) >= result["found"]:
            break
    return ranked


def is_that_kind_of_product(word: str, name: str, brand: str) -> bool:
    title = name.removeprefix(brand)
    return re.search(rf"\b{word}\b", title, re.IGNORECASE) is not None


@pytest.mark.parametrize("word", PRODUCT_WORDS)
def test_at_least_eight_of_the_top_ten_are_the_kind_of_product_searched_for(catalogue, word):
    client = make_typesense_client(catalogue)
    top_ten = titles_in_order(client, catalogue.typesense_collection, word, pages=1)[:10]

    right = [name for name, brand in top_ten if is_that_kind_of_product(word, name, brand)]
    assert len(right) >= 8, top_ten


@pytest.mark.parametrize("word", PRODUCT_WORDS)
def test_a_brand_containing_the_word_ranks_below_every_product_of_that_kind(catalogue, word):
    client = make_typesense_client(catalogue)
    ranked = titles_in_order(client, catalogue.typesense_collection, word, pages=20)
    kinds = [is_that_kind_of_product(word, name, brand) for name, brand in ranked]

    assert False in kinds, f"the catalogue should have a brand-only match for {word!r}"
    first_other = kinds.index(False)
    assert all(not kind for kind in kinds[first_other:]), ranked[first_other : first_other + 5]


def match_of(catalogue, text: str):
    client = make_typesense_client(catalogue)
    query = _search_query(text, {})
    body = hits_search_body(catalogue.typesense_collection, query, page=1, per_page=20)
    return parse_hits(client.multi_search.perform(body, {}), query)


def test_words_dropped_to_find_anything_are_said_so(catalogue):
    page = match_of(catalogue, "red dress")  # the demo store sells no dresses

    assert page.found > 0
    assert page.match.relaxed_query == "red"
    assert page.match.did_you_mean is None


@pytest.mark.parametrize(
    ("typed", "spelt"), [("headphnes", "headphones"), ("kettel", "kettle"), ("backpak", "backpack")]
)
def test_a_misspelt_word_is_answered_in_the_catalogues_spelling(catalogue, typed, spelt):
    page = match_of(catalogue, typed)

    assert page.found > 0
    assert page.match == QueryMatch(did_you_mean=spelt)


def test_a_search_met_as_typed_is_an_exact_match(catalogue):
    assert match_of(catalogue, "wireless headphones").match.exact
    assert match_of(catalogue, "electric kett").match.exact  # still typing


def test_a_word_the_catalogue_has_nothing_close_to_gets_no_made_up_suggestion(catalogue):
    page = match_of(catalogue, "iphone")

    assert page.found == 0
    assert page.match.exact and page.match.did_you_mean is None
