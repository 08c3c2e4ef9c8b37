"""The waiting room's rules: who may be admitted, how fast, what a shopper is told."""

from __future__ import annotations

import pytest

from domain.waiting_room import (
    MAX_WAIT_SECONDS,
    Admission,
    TicketState,
    TicketStatus,
    admission,
    estimated_wait_seconds,
    observed_rate,
    refill,
    sold_out,
)

pytestmark = pytest.mark.unit


def test_no_more_units_are_admitted_than_shoppers_could_still_buy():
    assert admission(units_left=10, outstanding_units=4, tokens=50) == Admission(50, 6)
    assert admission(units_left=10, outstanding_units=10, tokens=50) == Admission(0, 0)
    assert admission(units_left=3, outstanding_units=5, tokens=50) == Admission(0, 0)


def test_admission_waits_for_a_whole_token():
    assert admission(units_left=10, outstanding_units=0, tokens=0.9) == Admission(0, 0)
    assert admission(units_left=10, outstanding_units=0, tokens=2.5) == Admission(2, 10)


def test_the_bucket_refills_at_the_rate_up_to_the_burst():
    assert refill(0.0, rate=5, elapsed_seconds=0.2, burst=5) == pytest.approx(1.0)
    assert refill(4.0, rate=5, elapsed_seconds=10, burst=5) == 5
    assert refill(1.0, rate=5, elapsed_seconds=-3, burst=5) == 1.0  # clocks never refund


def test_an_item_is_sold_out_only_when_no_hold_could_come_back():
    assert sold_out(units_left=0, held_units=0)
    assert not sold_out(units_left=0, held_units=2)  # a hold may still be released
    assert not sold_out(units_left=1, held_units=0)


def test_the_observed_rate_counts_admissions_of_the_last_minute_up_to_now():
    now = 100_000
    assert observed_rate([], now) is None
    assert observed_rate([now - 1_000], now) is None
    assert observed_rate([now - 2_000, now - 1_000], now) == pytest.approx(1.0)
    assert observed_rate([now - 90_000, now - 80_000], now) is None  # too old to count
    # A waiting room that stopped admitting shows a falling rate, not its last burst's.
    assert observed_rate([now - 10_000, now - 9_999], now) == pytest.approx(0.2)


def test_the_wait_is_the_position_over_the_observed_rate():
    now = 100_000
    two_a_second = [now - 500 * i for i in range(1, 9)]
    assert estimated_wait_seconds(10, two_a_second, now, configured_rate=10) == 5
    assert estimated_wait_seconds(1, two_a_second, now, configured_rate=10) == 1
    assert estimated_wait_seconds(0, two_a_second, now, configured_rate=10) == 0


def test_before_any_admission_the_configured_rate_stands_in_and_caps_the_observed_one():
    assert estimated_wait_seconds(50, [], 1_000, configured_rate=5) == 10
    burst = [1_000_000 - i for i in range(1, 20)]  # 19 admissions in a few ms
    assert estimated_wait_seconds(50, burst, 1_000_000, configured_rate=5) == 10
    assert estimated_wait_seconds(10**9, [], 1_000, configured_rate=0.001) == MAX_WAIT_SECONDS


def test_tickets_on_their_way_to_a_hold_are_shown_as_admitted():
    assert TicketState.BEGINNING.shown_as is TicketStatus.ADMITTED
    assert TicketState.BEGUN.shown_as is TicketStatus.ADMITTED
    assert TicketState.WAITING.shown_as is TicketStatus.WAITING
    assert TicketState.SOLD_OUT.shown_as is TicketStatus.SOLD_OUT
    assert TicketState.WAITING.in_line and not TicketState.BEGUN.in_line
