"""An order and its suborders: their statuses, which of them are final, and the two
cancel rules (the whole order; the parcels that have not shipped). The database models,
the order workflows, the fulfilment activities and the web all ask this module; none
of them spells a status or a rule itself.

    order     PENDING -> SHIPPED (every line in a shipped parcel) -> DELIVERED
                 |-> CANCELLED (only until anything has shipped)
                 '-> PARTLY_CANCELLED (some parcels shipped, the rest was cancelled)
                          '-> DELIVERED (once the parcels that shipped arrive)
    suborder  (PLANNED) -> ASSIGNED -> SHIPPED -> DELIVERED
                  |            '-> CANCELLED
                  '-> (LOST: the warehouse lost the race for its stock)

PLANNED and LOST exist only in the order workflow's view of a suborder: nothing is
stored for a suborder until its warehouse has the stock (ASSIGNED).
"""

from __future__ import annotations

import enum
from collections import Counter
from collections.abc import Iterable

from domain.stock import Line


class OrderStatus(enum.StrEnum):
    PENDING = "PENDING"
    SHIPPED = "SHIPPED"
    DELIVERED = "DELIVERED"
    CANCELLED = "CANCELLED"
    # The parcels that had not shipped were cancelled and refunded; those that had
    # shipped are on their way. Not final: it ends DELIVERED (docs/orders.md).
    PARTLY_CANCELLED = "PARTLY_CANCELLED"


class SuborderStatus(enum.StrEnum):
    """What a suborder row records (`warehouse_orders.status`)."""

    ASSIGNED = "ASSIGNED"
    SHIPPED = "SHIPPED"
    DELIVERED = "DELIVERED"
    CANCELLED = "CANCELLED"


# The order workflow's view of a suborder has two more, never stored.
PLANNED = "PLANNED"  # handed to its child: being assigned, or assigned and waiting
LOST = "LOST"  # the warehouse lost the race for its stock: nothing was written

# Nothing more happens to an order in these.
FINAL_ORDER_STATUSES = frozenset({OrderStatus.DELIVERED, OrderStatus.CANCELLED})
# A parcel in one of these can no longer be stopped by a cancel.
LEFT_THE_WAREHOUSE = frozenset({SuborderStatus.SHIPPED, SuborderStatus.DELIVERED})
# Suborders a cancel still has to stop, and those that cover nothing any more.
OPEN_SUBORDER_STATUSES = frozenset({PLANNED, SuborderStatus.ASSIGNED})
GONE_SUBORDER_STATUSES = frozenset({LOST, SuborderStatus.CANCELLED})


def has_shipped(order_status: str, suborder_statuses: Iterable[str]) -> bool:
    """Whether anything of the order has left a warehouse (then it can't be cancelled)."""
    shipped_orders = (OrderStatus.SHIPPED, OrderStatus.DELIVERED, OrderStatus.PARTLY_CANCELLED)
    return order_status in shipped_orders or any(
        status in LEFT_THE_WAREHOUSE for status in suborder_statuses
    )


def can_cancel(order_status: str, suborder_statuses: Iterable[str]) -> bool:
    """The one cancel rule: a pending order can be cancelled until anything has shipped.

    The web offers the button by it; the order workflow's validator and the
    `cancel_order` activity refuse by `has_shipped`, its other half, so a cancelled
    order asked again answers as it stands.
    """
    return order_status == OrderStatus.PENDING and not has_shipped(order_status, suborder_statuses)


def unshipped_lines(
    order_status: str,
    order_lines: Iterable[Line],
    suborders: Iterable[tuple[str, Iterable[Line]]],
) -> tuple[Line, ...]:
    """The partial cancel rule: what "cancel the parcels that have not shipped" takes
    off the order (item id order), or nothing when it may not be used.

    It may be used on a pending order once some parcel has left its warehouse; it then
    takes every unit that is not in such a parcel: the parcels still waiting in their
    warehouses and whatever no warehouse holds yet. Nothing shipped yet is the whole
    order's cancel (`can_cancel`); nothing left to ship, nothing to take.
    `suborders` are (status, lines) pairs, every suborder of the order.
    """
    if order_status != OrderStatus.PENDING:
        return ()
    left = Counter[int]()
    any_left = False
    for status, lines in suborders:
        if status in LEFT_THE_WAREHOUSE:
            any_left = True
            for line in lines:
                left[line.item_id] += line.quantity
    if not any_left:
        return ()
    ordered = Counter[int]()
    for line in order_lines:
        ordered[line.item_id] += line.quantity
    return tuple(
        Line(item_id, ordered[item_id] - left[item_id])
        for item_id in sorted(ordered)
        if ordered[item_id] > left[item_id]
    )


def can_cancel_unshipped(
    order_status: str,
    order_lines: Iterable[Line],
    suborders: Iterable[tuple[str, Iterable[Line]]],
) -> bool:
    """Whether the order page offers "Cancel the parcels that have not shipped"."""
    return bool(unshipped_lines(order_status, order_lines, suborders))
