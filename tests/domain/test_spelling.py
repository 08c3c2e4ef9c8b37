"""A shopper's words against the catalogue's: split and compared as Typesense does, respelt
by at most two edits, never matched to a word that is merely similar."""

from __future__ import annotations

import pytest

from domain.spelling import closest_word, edit_distance, is_met_by, typos_allowed, words_of

pytestmark = pytest.mark.unit

VOCABULARY = ["wireless", "headphones", "electric", "kettle", "red", "backpack"]


def test_words_are_split_on_spaces_hyphens_and_slashes_without_case_or_punctuation():
    assert words_of("Wi-Fi  router/Modem, 5.3") == ["wi", "fi", "router", "modem", "53"]
    assert words_of("Kettle & Co.") == ["kettle", "co"]
    assert words_of("  ") == []


def test_edit_distance_counts_insertions_deletions_and_substitutions():
    assert edit_distance("headphnes", "headphones", limit=2) == 1
    assert edit_distance("kettel", "kettle", limit=2) == 1  # two neighbours swapped: one typo
    assert edit_distance("ketle", "kettle", limit=2) == 1
    assert edit_distance("same", "same", limit=0) == 0


def test_edit_distance_stops_counting_past_its_limit():
    assert edit_distance("iphone", "headphones", limit=2) == 3
    assert edit_distance("a", "abcdefgh", limit=2) == 3


def test_longer_words_may_carry_more_typos():
    assert [typos_allowed(w) for w in ("tv", "red", "desk", "kettle", "headphnes")] == [
        0,
        0,
        1,
        1,
        2,
    ]


def test_a_misspelt_word_is_respelt_from_the_catalogues_own_words():
    assert closest_word("headphnes", VOCABULARY) == "headphones"
    assert closest_word("kettel", VOCABULARY) == "kettle"
    assert closest_word("wireles", VOCABULARY) == "wireless"


def test_a_word_with_nothing_close_in_the_catalogue_gets_no_suggestion():
    assert closest_word("iphone", VOCABULARY) is None
    assert closest_word("dress", VOCABULARY) is None  # not "red": too far for a short word


def test_the_last_word_may_be_unfinished():
    assert closest_word("headphn", VOCABULARY) is None
    assert closest_word("headphn", VOCABULARY, as_prefix=True) == "headphones"
    assert is_met_by("head", "headphones", as_prefix=True)
    assert not is_met_by("head", "headphones")
