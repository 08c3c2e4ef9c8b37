"""Recommendations: the shopper's own signals take turns, popular items fill the rest, and
nothing out of stock, just bought or repeated is ever offered."""

from __future__ import annotations

import pytest

from domain.recommendations import (
    MAX_LIMIT,
    Pick,
    Reason,
    RecentSearch,
    candidates,
    department_of,
    frequently_bought_with,
    parse_limit,
    recommend,
    recommend_for_search,
    replaces_previous,
    search_worth_remembering,
)

pytestmark = pytest.mark.unit

S, B, P = Reason.RECENT_SEARCH, Reason.BOUGHT_TOGETHER, Reason.POPULAR
EVERYTHING = set(range(1, 100))


def test_recent_searches_and_bought_together_take_turns_then_popular_fills():
    picks = recommend(
        recent_searches=[RecentSearch("kettle", (1, 2)), RecentSearch("mug", (3,))],
        bought_together=[10, 11],
        popular=[20, 21, 22],
        just_bought=set(),
        in_stock=EVERYTHING,
        limit=7,
    )
    # Searches interleave among themselves (newest search's best first), then with bought.
    assert picks == [
        Pick(1, S),
        Pick(10, B),
        Pick(3, S),
        Pick(11, B),
        Pick(2, S),
        Pick(20, P),
        Pick(21, P),
    ]


def test_an_anonymous_shopper_gets_popular_items():
    picks = recommend(
        recent_searches=[],
        bought_together=[],
        popular=[5, 6],
        just_bought=set(),
        in_stock=EVERYTHING,
    )
    assert picks == [Pick(5, P), Pick(6, P)]


def test_out_of_stock_items_are_never_offered():
    picks = recommend(
        recent_searches=[RecentSearch("kettle", (1, 2))],
        bought_together=[3],
        popular=[4, 5],
        just_bought=set(),
        in_stock={2, 5},
    )
    assert [p.item_id for p in picks] == [2, 5]


def test_what_the_shopper_just_bought_is_never_offered_again():
    picks = recommend(
        recent_searches=[RecentSearch("kettle", (1, 2))],
        bought_together=[2, 3],
        popular=[1, 4],
        just_bought={1, 3},
        in_stock=EVERYTHING,
    )
    assert [p.item_id for p in picks] == [2, 4]


def test_an_item_appears_once_with_its_strongest_reason():
    picks = recommend(
        recent_searches=[RecentSearch("kettle", (7,))],
        bought_together=[7, 8],
        popular=[7, 8, 9],
        just_bought=set(),
        in_stock=EVERYTHING,
    )
    assert picks == [Pick(7, S), Pick(8, B), Pick(9, P)]


def test_the_limit_is_respected():
    picks = recommend(
        recent_searches=[],
        bought_together=[],
        popular=list(range(1, 60)),
        just_bought=set(),
        in_stock=EVERYTHING,
        limit=3,
    )
    assert len(picks) == 3


def test_candidates_cover_every_signal():
    assert candidates([RecentSearch("a", (1, 2))], [3], [4]) == {1, 2, 3, 4}


@pytest.mark.parametrize(
    ("query", "found", "worth"),
    [
        ("kettle", 12, True),
        ("k", 3, False),
        ("kettle", 0, False),
        ("  ", 5, False),
        ("*", 9, False),
    ],
)
def test_only_real_searches_are_remembered(query, found, worth):
    assert search_worth_remembering(query, found) is worth


@pytest.mark.parametrize(
    ("previous", "query", "replaces"),
    [
        ("wirel", "wireless", True),
        ("wireless headphones", "wireless", True),
        ("Kettle", "kettle black", True),
        ("kettle", "mug", False),
        (None, "mug", False),
    ],
)
def test_typing_on_refines_the_last_search_instead_of_adding_one(previous, query, replaces):
    assert replaces_previous(previous, query) is replaces


def test_frequently_bought_together_skips_the_item_itself_and_what_is_out_of_stock():
    assert frequently_bought_with(1, [1, 2, 3, 2, 4], in_stock={2, 4, 1}, limit=4) == [2, 4]


@pytest.mark.parametrize("raw", ["0", "-1", "abc", str(MAX_LIMIT + 1), "1.5", "99999"])
def test_a_bad_limit_is_refused(raw):
    with pytest.raises(ValueError):
        parse_limit(raw)


def test_the_limit_defaults_and_accepts_the_range():
    assert parse_limit(None) == 8 and parse_limit("1") == 1 and parse_limit("50") == 50


def beside_search(**overrides):
    arguments = {
        "query": "kettle",
        "recent_searches": [RecentSearch("backpack", (21, 22)), RecentSearch("kettle", (1, 2))],
        "bought_together": [31],
        "popular_in_category": [1, 3, 4],
        "category": "Kitchen",
        "popular": [1, 3, 41, 42],
        "just_bought": set(),
        "shown": {1, 2},
        "in_stock": set(range(100)),
        "limit": 6,
    }
    return recommend_for_search(**(arguments | overrides))


def test_beside_a_search_its_department_other_searches_and_purchases_take_turns():
    # Item 1 is popular in the department but leads the results: skipped, not repeated.
    assert beside_search() == [
        Pick(21, Reason.RECENT_SEARCH, "backpack"),
        Pick(31, Reason.BOUGHT_TOGETHER),
        Pick(3, Reason.POPULAR_IN_CATEGORY, "Kitchen"),
        Pick(22, Reason.RECENT_SEARCH, "backpack"),
        Pick(4, Reason.POPULAR_IN_CATEGORY, "Kitchen"),
        Pick(41, Reason.POPULAR),
    ]


def test_beside_a_search_never_what_its_results_lead_with_nor_the_search_itself():
    picks = beside_search(limit=50)
    assert not {pick.item_id for pick in picks} & {1, 2}
    assert all(pick.because != "kettle" for pick in picks)


def test_beside_a_search_never_out_of_stock_or_just_bought():
    picks = beside_search(in_stock={3, 22, 42}, just_bought={22}, limit=50)
    assert [pick.item_id for pick in picks] == [3, 42]


def test_a_searchs_department_is_where_most_of_its_results_are():
    assert department_of(["Kitchen", "Outdoors", "Kitchen"]) == "Kitchen"
    assert department_of(["Books", "Audio"]) == "Books"
    assert department_of([]) is None
