"""Whether the hits met the query as typed, read from Typesense's answer: which words each
hit matched (`highlight`) and how many (`text_match_info`)."""

from __future__ import annotations

import pytest

from db.search.query_match import EXACT, QueryMatch, query_match

pytestmark = pytest.mark.unit


def hit(tokens_matched: int, **matched_by_field: list[str]) -> dict:
    return {
        "document": {},
        "text_match_info": {"tokens_matched": tokens_matched},
        "highlight": {
            field: {"matched_tokens": tokens, "snippet": "..."}
            for field, tokens in matched_by_field.items()
        },
    }


def test_every_word_found_as_typed_is_an_exact_match():
    hits = [hit(2, title=["Wireless", "Headphones"])]
    assert query_match("wireless headphones", hits) == EXACT
    assert EXACT.exact


def test_an_unfinished_last_word_is_still_an_exact_match():
    assert query_match("wireless headpho", [hit(2, title=["Wireless", "Headphones"])]).exact


def test_words_found_in_different_fields_count_together():
    hits = [hit(2, title=["Kettle"], brand=["Brewhaus"])]
    assert query_match("brewhaus kettle", hits).exact


def test_a_dropped_word_is_named_by_what_the_results_are_for():
    match = query_match("red dress", [hit(1, title=["Red"])])
    assert match == QueryMatch(relaxed_query="red")
    assert not match.exact


def test_a_respelt_word_becomes_did_you_mean_in_the_catalogues_spelling():
    match = query_match("wireles headphnes", [hit(2, title=["Wireless", "Headphones"])])
    assert match == QueryMatch(did_you_mean="wireless headphones")


def test_dropped_and_respelt_words_at_once():
    match = query_match("headphnes iphone", [hit(1, title=["Headphones"])])
    assert match == QueryMatch(relaxed_query="headphones", did_you_mean="headphones")


def test_the_best_hit_on_the_page_decides_not_the_first():
    hits = [hit(1, title=["Red"]), hit(2, title=["Red", "Dress"])]
    assert query_match("red dress", hits).exact


def test_no_hits_and_no_words_say_nothing():
    assert query_match("iphone", []) == EXACT
    assert query_match("", [hit(0)]) == EXACT


def test_a_match_survives_the_cache_as_json():
    match = QueryMatch(relaxed_query="red", did_you_mean="red")
    assert QueryMatch.from_json(match.to_json()) == match
    assert QueryMatch.from_json(None) == EXACT  # a page cached before matches were kept
