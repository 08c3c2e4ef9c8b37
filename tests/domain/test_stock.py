"""Which lines of a cart the store can hold, and for how long."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from domain.stock import (
    MAX_LINE_QUANTITY,
    InvalidCart,
    Line,
    ShortLine,
    hold_expiry,
    normalise_lines,
    seconds_left,
    short_lines,
)

pytestmark = pytest.mark.unit
NOW = datetime(2026, 11, 25, 12, 0, tzinfo=UTC)


def test_every_short_line_is_reported_not_only_the_first():
    lines = [Line(3, 1), Line(1, 2), Line(2, 5)]

    assert short_lines(lines, {1: 1, 2: 5, 3: 0}) == [ShortLine(1, 2, 1), ShortLine(3, 1, 0)]


def test_an_item_without_stock_counts_as_none_left():
    assert short_lines([Line(9, 1)], {}) == [ShortLine(9, 1, 0)]


def test_a_cart_that_fits_has_no_short_lines():
    assert short_lines([Line(1, 2)], {1: 2}) == []


def test_a_short_line_reads_as_the_api_spells_it_and_back():
    short = ShortLine(7, 3, 1)
    assert short.as_details() == {"itemID": 7, "asked": 3, "left": 1}
    assert ShortLine.from_details(short.as_details()) == short


def test_lines_are_merged_per_item_and_sorted_by_id_the_order_rows_are_locked_in():
    assert normalise_lines([Line(5, 1), Line(2, 1), Line(5, 2)]) == [Line(2, 1), Line(5, 3)]


@pytest.mark.parametrize(
    ("lines", "complaint"),
    [
        ([], "empty"),
        ([Line(1, 0)], "at least 1"),
        ([Line(1, -2)], "at least 1"),
        ([Line(1, MAX_LINE_QUANTITY), Line(1, 1)], "at most"),
    ],
)
def test_a_cart_that_can_never_be_held_is_refused_with_a_reason(lines, complaint):
    with pytest.raises(InvalidCart, match=complaint):
        normalise_lines(lines)


def test_a_hold_lasts_its_ttl_from_now():
    assert hold_expiry(NOW, 300) == NOW + timedelta(minutes=5)


def test_a_hold_needs_an_aware_now_and_a_positive_ttl():
    with pytest.raises(ValueError):
        hold_expiry(datetime(2026, 1, 1), 300)
    with pytest.raises(ValueError):
        hold_expiry(NOW, 0)


def test_the_countdown_shows_whole_seconds_and_stops_at_zero():
    expires = NOW + timedelta(seconds=90, milliseconds=700)
    assert seconds_left(NOW, expires) == 90
    assert seconds_left(expires + timedelta(seconds=5), expires) == 0
