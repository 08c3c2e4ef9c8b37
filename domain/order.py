"""An order and its suborders: their statuses, which of them are final, and the one
cancel rule. The database models, the order workflows, the fulfilment activities and
the web all ask this module; none of them spells a status or the rule itself.

    order     PENDING -> SHIPPED (every line in a shipped parcel) -> DELIVERED
                 '-> CANCELLED (only until anything has shipped)
    suborder  (PLANNED) -> ASSIGNED -> SHIPPED -> DELIVERED
                  |            '-> CANCELLED
                  '-> (LOST: the warehouse lost the race for its stock)

PLANNED and LOST exist only in the order workflow's view of a suborder: nothing is
stored for a suborder until its warehouse has the stock (ASSIGNED).
"""

from __future__ import annotations

import enum
from collections.abc import Iterable


class OrderStatus(enum.StrEnum):
    PENDING = "PENDING"
    SHIPPED = "SHIPPED"
    DELIVERED = "DELIVERED"
    CANCELLED = "CANCELLED"


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
    return order_status in (OrderStatus.SHIPPED, OrderStatus.DELIVERED) or any(
        status in LEFT_THE_WAREHOUSE for status in suborder_statuses
    )


def can_cancel(order_status: str, suborder_statuses: Iterable[str]) -> bool:
    """The one cancel rule: a pending order can be cancelled until anything has shipped.

    The web offers the button by it; the order workflow's validator and the
    `cancel_order` activity refuse by `has_shipped`, its other half, so a cancelled
    order asked again answers as it stands.
    """
    return order_status == OrderStatus.PENDING and not has_shipped(order_status, suborder_statuses)
