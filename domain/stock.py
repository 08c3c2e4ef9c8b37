"""Stock rules of a checkout: what a cart asks for, what is short, how long a hold lasts.

Pure functions over plain values so the reserve activity, the workflow and the web
layer all agree on them, and unit tests need no database.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

from domain.cart_rules import MAX_LINES_PER_CART, MAX_QUANTITY_PER_LINE

# A checkout accepts exactly what a cart may hold: the same caps, one source.
MAX_LINE_QUANTITY = MAX_QUANTITY_PER_LINE
MAX_CHECKOUT_LINES = MAX_LINES_PER_CART


@dataclass(frozen=True)
class Line:
    item_id: int
    quantity: int


@dataclass(frozen=True)
class ShortLine:
    """A cart line the store cannot hold: the shopper asked for `asked`, only `left` remain."""

    item_id: int
    asked: int
    left: int

    def as_details(self) -> dict[str, int]:
        # The JSON API's spelling (docs/contract.md §5): itemID, asked, left.
        return {"itemID": self.item_id, "asked": self.asked, "left": self.left}

    @classmethod
    def from_details(cls, details: Mapping[str, int]) -> ShortLine:
        return cls(int(details["itemID"]), int(details["asked"]), int(details["left"]))


class InvalidCart(ValueError):
    """The lines cannot be reserved whatever the stock (empty, bad quantity, too many)."""


def normalise_lines(lines: Iterable[Line]) -> list[Line]:
    """Merge repeated items, check quantities, sort by item id.

    Sorted by id because that is the order every transaction locks stock rows in
    (two checkouts locking in different orders could deadlock).
    """
    merged: dict[int, int] = {}
    for line in lines:
        if line.quantity <= 0:
            raise InvalidCart(
                f"item {line.item_id}: quantity must be at least 1, got {line.quantity}"
            )
        merged[line.item_id] = merged.get(line.item_id, 0) + line.quantity
    if not merged:
        raise InvalidCart("the cart is empty")
    if len(merged) > MAX_CHECKOUT_LINES:
        raise InvalidCart(f"a checkout holds at most {MAX_CHECKOUT_LINES} different items")
    for item_id, quantity in merged.items():
        if quantity > MAX_LINE_QUANTITY:
            raise InvalidCart(
                f"item {item_id}: at most {MAX_LINE_QUANTITY} units per checkout, got {quantity}"
            )
    return [Line(item_id, merged[item_id]) for item_id in sorted(merged)]


def short_lines(lines: Iterable[Line], available: Mapping[int, int]) -> list[ShortLine]:
    """Every line asking for more than is available, in item-id order (all of them, not the first)."""
    short = [
        ShortLine(line.item_id, line.quantity, max(available.get(line.item_id, 0), 0))
        for line in lines
        if line.quantity > available.get(line.item_id, 0)
    ]
    return sorted(short, key=lambda s: s.item_id)


def hold_expiry(now: datetime, ttl_seconds: int) -> datetime:
    """When a hold taken at `now` lapses."""
    if now.tzinfo is None:
        raise ValueError("now must be timezone-aware")
    if ttl_seconds <= 0:
        raise ValueError(f"a hold must last a positive time, got {ttl_seconds}s")
    return now + timedelta(seconds=ttl_seconds)


def seconds_left(now: datetime, expires_at: datetime) -> int:
    """Whole seconds until `expires_at` (0 once it passed): what the countdown shows."""
    return max(int((expires_at - now).total_seconds()), 0)


# --- correcting a warehouse's stock down (docs/staff.md, "Correcting stock down") ---------


class CorrectionReason(StrEnum):
    """Why units leave a shelf without an order: the portal's choices, the API's words."""

    DAMAGED = "damaged"
    LOST = "lost"
    COUNT_CORRECTION = "count correction"
    OTHER = "other"  # then the note must say what


MAX_CORRECTION_NOTE = 300  # characters


def removable_units(available_here: int, aggregated: int) -> int:
    """How many units a correction may take off one warehouse's shelf.

    Only units that are free there (`available_here`: physical less what assigned
    suborders wait to ship, so I2 holds) and promised to no one (`aggregated`: the
    item's stock no checkout holds and no order waits for, so I1 holds and a shopper's
    hold is never taken away). Both stay at or above zero (I3).
    """
    return max(0, min(available_here, aggregated))


def correction_problem(units: int, reason: str, note: str) -> str | None:
    """What is wrong with a correction as asked, for the person asking; None if nothing."""
    if units <= 0:
        return "Say how many units to remove: a whole number of at least 1."
    if reason not in CorrectionReason.__members__.values():
        return "The reason must be one of: " + ", ".join(CorrectionReason) + "."
    if len(note) > MAX_CORRECTION_NOTE or not note.isprintable():
        return f"The note must be at most {MAX_CORRECTION_NOTE} plain characters."
    if reason == CorrectionReason.OTHER and not note:
        return 'Say what happened in the note when the reason is "other".'
    return None
