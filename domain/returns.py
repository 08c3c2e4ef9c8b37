"""Returns and refunds: what a shopper may send back, and what money may go back (docs/returns.md).

    window     a parcel's units may be returned until RETURN_WINDOW after it was delivered
    quantity   at most what was delivered minus what earlier returns already took back
    refund     a returned line gives back its unit price at purchase times its quantity
    cap        no refund (a return's or an operator's) ever gives back more than was
               captured minus what was already refunded
    operator   an operator refunds any lines (as bought) or all that is left, with a reason

A return covers one delivered parcel (suborder): its units go back to that parcel's
warehouse, and its window is that parcel's delivery. A request naming units of
several parcels becomes one return per parcel, created together (`plan_return`).

Standard library only: the web decides with it before anything is written, and the
refund activities check the cap with it again before the gateway is asked.
"""

from __future__ import annotations

import enum
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from domain.money import format_cents
from domain.refusals import Refusal, RefusalKind

RETURN_WINDOW = timedelta(days=30)
MAX_REASON_LENGTH = 500


class ReturnStatus(enum.StrEnum):
    AUTHORIZED = "AUTHORIZED"  # the shopper may send the units; the warehouse waits for them
    RECEIVED = "RECEIVED"  # the warehouse has them; the refund is on its way
    REFUNDED = "REFUNDED"  # money given back, units back on the shelf
    REFUND_FAILED = "REFUND_FAILED"  # the gateway refused: an operator has to look
    EXPIRED = "EXPIRED"  # never received within RECEIVE_WITHIN: nothing refunded


# How long an authorised return waits for its parcel before it lapses.
RECEIVE_WITHIN = timedelta(days=60)


@dataclass(frozen=True)
class DeliveredParcel:
    """A delivered suborder as returns see it: when it arrived, what it held, what came back."""

    suborder_id: str
    warehouse_id: int
    delivered_at: datetime
    lines: Mapping[int, int]  # item id -> units delivered
    returned: Mapping[int, int]  # item id -> units already in a return (any status)


@dataclass(frozen=True)
class ParcelReturn:
    """One return to create: the units of one parcel, back to its warehouse."""

    suborder_id: str
    warehouse_id: int
    lines: tuple[tuple[int, int], ...]  # (item id, quantity), by item id
    refund: int  # cents


def window_closes(delivered_at: datetime) -> datetime:
    return delivered_at + RETURN_WINDOW


def within_window(delivered_at: datetime, now: datetime) -> bool:
    return now <= window_closes(delivered_at)


def returnable(parcel: DeliveredParcel, item_id: int) -> int:
    return max(0, parcel.lines.get(item_id, 0) - parcel.returned.get(item_id, 0))


def plan_return(
    asked: Mapping[int, int],
    parcels: Sequence[DeliveredParcel],
    unit_prices: Mapping[int, int],
    now: datetime,
) -> list[ParcelReturn] | Refusal:
    """Split the asked units (item id -> quantity, each > 0) over the parcels still in
    their window, newest delivery first, or say why not.

    Refusals: nothing delivered yet (NOT_DELIVERED_YET), every window closed
    (RETURN_WINDOW_CLOSED); more
    units of an item than its open parcels still hold (RETURN_TOO_MANY, whose message
    says when the rest was past its window).
    """
    if not parcels:
        return Refusal(
            RefusalKind.NOT_DELIVERED_YET,
            "Nothing of this order has been delivered yet: returns open on delivery.",
        )
    open_parcels = sorted(
        (p for p in parcels if within_window(p.delivered_at, now)),
        key=lambda p: (p.delivered_at, p.suborder_id),
        reverse=True,
    )
    if not open_parcels:
        last = max(window_closes(p.delivered_at) for p in parcels)
        return Refusal(
            RefusalKind.RETURN_WINDOW_CLOSED,
            f"The 30-day return window of this order closed on {last.date().isoformat()}.",
        )
    taken: dict[str, dict[int, int]] = {}
    for item_id, quantity in sorted(asked.items()):
        left = quantity
        for parcel in open_parcels:
            take = min(left, returnable(parcel, item_id))
            if take:
                taken.setdefault(parcel.suborder_id, {})[item_id] = take
                left -= take
        if left:
            return _too_many(item_id, quantity, parcels, open_parcels)
    return [
        ParcelReturn(
            suborder_id=p.suborder_id,
            warehouse_id=p.warehouse_id,
            lines=tuple(sorted(taken[p.suborder_id].items())),
            refund=refund_for(taken[p.suborder_id], unit_prices),
        )
        for p in sorted(open_parcels, key=lambda p: p.suborder_id)
        if p.suborder_id in taken
    ]


def _too_many(
    item_id: int,
    quantity: int,
    parcels: Sequence[DeliveredParcel],
    open_parcels: Sequence[DeliveredParcel],
) -> Refusal:
    can = sum(returnable(p, item_id) for p in open_parcels)
    delivered = sum(p.lines.get(item_id, 0) for p in parcels)
    if delivered == 0:
        message = f"Item {item_id} is not among this order's delivered units."
    elif can < sum(returnable(p, item_id) for p in parcels):
        message = (
            f"Only {can} of item {item_id} can still be returned: the rest was delivered "
            "more than 30 days ago."
        )
    else:
        message = (
            f"You asked to return {quantity} of item {item_id}, but only {can} "
            "can be returned (delivered minus already returned)."
        )
    return Refusal(RefusalKind.RETURN_TOO_MANY, message)


def returnable_now(parcels: Sequence[DeliveredParcel], now: datetime) -> dict[int, int]:
    """Item id -> units that may be returned now (parcels in their window only): what
    the order page offers, so the form never offers what plan_return would refuse."""
    units: dict[int, int] = {}
    for parcel in parcels:
        if within_window(parcel.delivered_at, now):
            for item_id in parcel.lines:
                if left := returnable(parcel, item_id):
                    units[item_id] = units.get(item_id, 0) + left
    return units


def refund_for(lines: Mapping[int, int], unit_prices: Mapping[int, int]) -> int:
    """What returning these units gives back: each unit at the price it was bought for."""
    return sum(unit_prices[item_id] * quantity for item_id, quantity in lines.items())


def refundable(captured: int, refunded: int) -> int:
    """What may still be refunded of a payment: the cap every refund obeys."""
    return max(0, captured - refunded)


def check_refund(amount: int, captured: int, refunded: int) -> Refusal | None:
    """None when `amount` may be refunded now, else why not (REFUND_TOO_MUCH)."""
    left = refundable(captured, refunded)
    if amount > left:
        return Refusal(
            RefusalKind.REFUND_TOO_MUCH,
            f"Only {format_cents(left)} of this order's payment is left to refund "
            f"(asked {format_cents(amount)}).",
        )
    return None


def operator_refund(
    asked: Mapping[int, int] | None,
    ordered: Mapping[int, tuple[int, int]],
    captured: int,
    refunded: int,
) -> int | Refusal:
    """What an operator's refund gives back (cents), or why not.

    `asked`: item id -> units, or None for everything still refundable; `ordered`: item id
    -> (units bought, unit price). Lines are priced as bought; the cap applies either way.
    """
    if asked is None:
        amount = refundable(captured, refunded)
        if amount == 0:
            return Refusal(RefusalKind.REFUND_TOO_MUCH, "Nothing of this order is left to refund.")
        return amount
    for item_id, quantity in asked.items():
        bought = ordered.get(item_id, (0, 0))[0]
        if quantity > bought:
            return Refusal(
                RefusalKind.REFUND_TOO_MUCH,
                f"The order holds {bought} of item {item_id}; {quantity} cannot be refunded.",
            )
    amount = sum(ordered[item_id][1] * quantity for item_id, quantity in asked.items())
    return check_refund(amount, captured, refunded) or amount


def check_reason(reason: object) -> str | None:
    """The reason, trimmed, or None when it is missing, empty or too long."""
    if not isinstance(reason, str):
        return None
    trimmed = reason.strip()
    if not trimmed or len(trimmed) > MAX_REASON_LENGTH:
        return None
    return trimmed
