"""The overlay's memo: what it read, for a second at most, forgotten at the first change."""

from __future__ import annotations

import pytest

from db.search.stock_memo import StockMemo

pytestmark = pytest.mark.unit

KETTLE, LAMP, TENT = 11, 12, 13


class Clock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def live_memo(clock: Clock, **kwargs) -> StockMemo:
    memo = StockMemo(ttl_seconds=1.0, clock=clock, **kwargs)
    memo.resumed()  # the stock feed's subscription is open
    return memo


def test_what_was_read_is_recalled_and_only_the_rest_is_read_again():
    memo = live_memo(Clock())
    memo.remember({KETTLE: 3, LAMP: 0}, memo.generation)

    assert memo.recall([KETTLE, LAMP, TENT]) == ({KETTLE: 3, LAMP: 0}, [TENT])


def test_a_stock_change_makes_the_item_be_read_again_at_once():
    memo = live_memo(Clock())
    memo.remember({KETTLE: 3, LAMP: 5}, memo.generation)

    memo.changed(KETTLE)

    assert memo.recall([KETTLE, LAMP]) == ({LAMP: 5}, [KETTLE])


def test_nothing_is_recalled_after_the_ttl_even_if_the_feed_said_nothing():
    clock = Clock()
    memo = live_memo(clock)
    memo.remember({KETTLE: 3}, memo.generation)

    clock.now += 0.9
    assert memo.recall([KETTLE]) == ({KETTLE: 3}, [])
    clock.now += 0.2
    assert memo.recall([KETTLE]) == ({}, [KETTLE])


def test_a_read_that_overlapped_a_change_is_not_remembered():
    memo = live_memo(Clock())
    since = memo.generation  # the read begins
    memo.changed(TENT)  # any change meanwhile: the read may predate it
    memo.remember({KETTLE: 3}, since)

    assert memo.recall([KETTLE]) == ({}, [KETTLE])


def test_while_the_feed_is_down_nothing_is_recalled_or_remembered():
    memo = live_memo(Clock())
    memo.remember({KETTLE: 3}, memo.generation)

    memo.lost()
    assert memo.recall([KETTLE]) == ({}, [KETTLE])
    memo.remember({KETTLE: 2}, memo.generation)
    assert memo.recall([KETTLE]) == ({}, [KETTLE])

    memo.resumed()  # whatever was missed meanwhile is not recalled either
    assert memo.recall([KETTLE]) == ({}, [KETTLE])


def test_a_memo_whose_feed_never_opened_reads_everything():
    memo = StockMemo()
    memo.remember({KETTLE: 3}, memo.generation)

    assert memo.recall([KETTLE]) == ({}, [KETTLE])


def test_past_its_bound_the_memo_starts_again_empty():
    memo = live_memo(Clock(), max_items=2)
    memo.remember({KETTLE: 3, LAMP: 1}, memo.generation)
    memo.remember({TENT: 4}, memo.generation)

    assert memo.recall([KETTLE, LAMP, TENT]) == ({TENT: 4}, [KETTLE, LAMP])
