"""The waiting room: who may buy next, how fast, and what a shopper is told.

An item's shoppers wait in its line, first come, first served. The waiting room workflow
admits them a few at a time (a token bucket: `rate` per second, at most `burst` at once) and never
admits more units than shoppers could still buy: units left to reserve minus what is
already admitted but not yet held. An admitted shopper has a window to begin checkout;
after it the ticket expires and the place goes to the next. Once nothing is left to
reserve and nothing is held that could come back, every waiting shopper is sold out.

Standard library only: the workflow that paces admission, the activities and the web
tier all use these rules.
"""

from __future__ import annotations

import enum
import math
from collections.abc import Sequence
from dataclasses import dataclass

# Admissions older than this no longer count towards the observed rate.
RATE_WINDOW_MS = 60_000
# A wait is never promised shorter than this, nor longer than an hour (beyond that the
# number means nothing to a shopper).
MIN_WAIT_SECONDS = 1
MAX_WAIT_SECONDS = 3600


class TicketStatus(enum.StrEnum):
    WAITING = "WAITING"
    ADMITTED = "ADMITTED"
    SOLD_OUT = "SOLD_OUT"
    EXPIRED = "EXPIRED"


class TicketState(enum.StrEnum):
    """What the line stores. BEGINNING and BEGUN are admitted tickets on their way to a
    hold (a BEGIN is running / has held the stock); shoppers see them as ADMITTED."""

    WAITING = "WAITING"
    ADMITTED = "ADMITTED"
    BEGINNING = "BEGINNING"
    BEGUN = "BEGUN"
    SOLD_OUT = "SOLD_OUT"
    EXPIRED = "EXPIRED"

    @property
    def shown_as(self) -> TicketStatus:
        if self in (TicketState.BEGINNING, TicketState.BEGUN):
            return TicketStatus.ADMITTED
        return TicketStatus(self.value)

    @property
    def in_line(self) -> bool:
        """Still the shopper's place in this sale (joining again returns it)."""
        return self in (TicketState.WAITING, TicketState.ADMITTED, TicketState.BEGINNING)


@dataclass(frozen=True)
class Admission:
    """How many may be admitted on this tick: `tickets` shoppers, `units` units between them."""

    tickets: int
    units: int


def admission(units_left: int, outstanding_units: int, tokens: float) -> Admission:
    """Never more admitted than could still buy; never faster than the bucket allows.

    `units_left` is what shoppers can still reserve now (aggregated stock: holds are
    already taken out of it); `outstanding_units` are admitted shoppers' units not yet
    held.
    """
    units = max(0, units_left - outstanding_units)
    tickets = max(0, math.floor(tokens))
    if units == 0 or tickets == 0:
        return Admission(0, 0)
    return Admission(tickets, units)


def refill(tokens: float, *, rate: float, elapsed_seconds: float, burst: float) -> float:
    """The token bucket after `elapsed_seconds`: `rate` tokens a second, capped at `burst`."""
    return min(burst, tokens + rate * max(0.0, elapsed_seconds))


def sold_out(units_left: int, held_units: int) -> bool:
    """Nothing to reserve and no hold that could be given back: the sale is over."""
    return units_left <= 0 and held_units <= 0


def observed_rate(admitted_at_ms: Sequence[int], now_ms: int) -> float | None:
    """Admissions per second over the last minute, or None with too few to tell."""
    recent = sorted(t for t in admitted_at_ms if now_ms - t <= RATE_WINDOW_MS)
    if len(recent) < 2:
        return None
    # From the oldest recent admission until now: a waiting room workflow that stopped admitting
    # (everything held) shows a falling rate rather than the last burst's.
    span = (now_ms - recent[0]) / 1000
    if span <= 0:
        return None
    return len(recent) / span


def estimated_wait_seconds(
    position: int, admitted_at_ms: Sequence[int], now_ms: int, *, configured_rate: float
) -> int:
    """Seconds until a shopper at `position` (1 = next) is admitted, at the observed rate.

    Before anything was admitted the configured rate stands in; the observed rate is
    never taken above it (admission cannot go faster than the waiting room workflow's pace).
    """
    if position <= 0:
        return 0
    rate = observed_rate(admitted_at_ms, now_ms) or configured_rate
    rate = min(rate, configured_rate) if configured_rate > 0 else rate
    if rate <= 0:
        return MAX_WAIT_SECONDS
    wait = math.ceil(position / rate)
    return max(MIN_WAIT_SECONDS, min(MAX_WAIT_SECONDS, wait))
