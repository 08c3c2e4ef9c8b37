"""The cheaper matching keeps the answers: per-field typos and prefix vs. the old everywhere-2.

For every query of the search benchmark's mix, on a generated catalogue, the top ten
with today's parameters and with the parameters before the change (two typos and a
prefix on every field, description included) share at least eight items. The old
parameters are written out here on purpose: they are the baseline, not the code.
"""

from __future__ import annotations

import pytest

from bench.search import QUERY_MIX, _search_query
from db.search.index import make_typesense_client
from db.search.typesense_request import hits_search_body
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
