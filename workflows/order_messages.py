"""What OrderWorkflow, its SuborderWorkflow children and the fulfilment
activities pass to each other (pure frozen dataclasses, activity names, error types).

Instants travel as ISO-8601 strings; statuses as plain strings, the values of
domain.order's OrderStatus / SuborderStatus (plus PLANNED and LOST).
"""

from __future__ import annotations

from dataclasses import dataclass

from temporalio.common import SearchAttributeKey

from domain.stock import Line

WORKFLOW_NAME = "OrderWorkflow"
SUBORDER_WORKFLOW_NAME = "SuborderWorkflow"

# Activity names (the contract between workflows/order*.py and activities/fulfilment.py).
PLAN = "fulfilment.plan"
ASSIGN = "fulfilment.assign"
NOTIFY_WAREHOUSE = "fulfilment.notify_warehouse"
MARK_SHIPPED = "fulfilment.mark_shipped"
MARK_DELIVERED = "fulfilment.mark_delivered"
CANCEL_SUBORDER = "fulfilment.cancel_suborder"
CANCEL_ORDER = "fulfilment.cancel_order"
CANCEL_UNSHIPPED = "fulfilment.cancel_unshipped"
SET_ORDER_STATUS = "fulfilment.set_order_status"
REFUND_ORDER = "payments.refund_order"
REFUND_UNSHIPPED = "payments.refund_unshipped"
# Called by CheckoutWorkflow: start the order's OrderWorkflow once the order is written.
START_ORDER = "fulfilment.start_order"

# ApplicationError types (business outcomes, never retried).
WAREHOUSE_SHORT = "WarehouseShort"  # details: one {itemID, asked, left} per short line
UNALLOCATABLE = "Unallocatable"  # details: one {itemID, missing} per short item
ALREADY_SHIPPED = "AlreadyShipped"  # cancel refused: something already left a warehouse
SUBORDER_CANCELLED = "SuborderCancelled"  # ship refused: the suborder was cancelled first
NOT_SHIPPED = "NotShipped"  # deliver refused: the parcel has not left the warehouse
NOT_CANCELLED = "NotCancelled"  # refund refused: the order was not cancelled
# Partial cancel refused (domain.order.unshipped_lines gave nothing):
NOTHING_SHIPPED = "NothingShipped"  # nothing has shipped yet: cancel the whole order
NOTHING_UNSHIPPED = "NothingUnshipped"  # nothing is left that has not shipped
UNKNOWN_ORDER = "UnknownOrder"
UNKNOWN_SUBORDER = "UnknownSuborder"
NOT_YOURS = "NotYours"

# Registered as Keyword on the dev server (stack/temporal_server.py SEARCH_ATTRIBUTES).
ORDER_ID = SearchAttributeKey.for_keyword("OrderId")
CUSTOMER_ID = SearchAttributeKey.for_keyword("CustomerId")
ORDER_STATUS = SearchAttributeKey.for_keyword("OrderStatus")


def order_workflow_id(order_id: str) -> str:
    return f"order-{order_id}"


def suborder_id_for(order_id: str, n: int) -> str:
    """Suborder ids are the order id plus a counter: deterministic, so a re-run is a no-op."""
    return f"{order_id}-S{n}"


def suborder_workflow_id(suborder_id: str) -> str:
    return f"suborder-{suborder_id}"


# --- OrderWorkflow: input, update, query ----------------------------------------------


@dataclass(frozen=True)
class OrderInput:
    order_id: str
    user_id: int
    strategy: str = ""  # "" = the worker's ALLOCATION_STRATEGY setting


@dataclass(frozen=True)
class CancelOrder:
    user_id: int  # the order's shopper: the validator refuses anyone else's id
    # Set when the store cancels (the staff order desk, docs/staff.md): the timeline says
    # "Cancelled by the store: <reason>" instead of the shopper's plain "Order cancelled".
    reason: str = ""


@dataclass(frozen=True)
class CancelUnshipped:
    """The shopper's "cancel the parcels that have not shipped" (update `cancel_unshipped`)."""

    user_id: int


@dataclass(frozen=True)
class SuborderProgress:
    suborder_id: str
    warehouse_id: int
    lines: tuple[Line, ...]
    status: str


@dataclass(frozen=True)
class OrderProgress:
    """The `state` query's answer, the cancel update's answer and the workflow's result."""

    order_id: str
    user_id: int
    status: str
    suborders: tuple[SuborderProgress, ...] = ()
    missing: tuple[Line, ...] = ()  # what no warehouse holds yet (waiting for a restock)
    message: str | None = None


@dataclass(frozen=True)
class UnshippedCancelled:
    """The `cancel_unshipped` update's answer: what was cancelled, and the money back."""

    cancelled_suborders: tuple[str, ...]  # the suborders this cancel stopped
    cancelled_lines: tuple[Line, ...]  # every unit taken off the order (parcels + unplanned)
    refund: int  # cents refunded for those lines
    order: OrderProgress


# --- SuborderWorkflow -------------------------------------------------------


@dataclass(frozen=True)
class SuborderInput:
    order_id: str
    suborder_id: str
    warehouse_id: int
    lines: tuple[Line, ...]


@dataclass(frozen=True)
class SuborderChanged:
    """Signal from a child to its order: the suborder reached `status`."""

    suborder_id: str
    status: str


# --- Activities ----------------------------------------------------------------------


@dataclass(frozen=True)
class PlanRequest:
    order_id: str
    strategy: str
    lines: tuple[Line, ...] = ()  # what to plan; empty means the whole order


@dataclass(frozen=True)
class PlannedSuborder:
    warehouse_id: int
    lines: tuple[Line, ...]


@dataclass(frozen=True)
class PlanResult:
    order_lines: tuple[Line, ...]
    suborders: tuple[PlannedSuborder, ...]


@dataclass(frozen=True)
class AssignRequest:
    order_id: str
    suborder_id: str
    warehouse_id: int
    lines: tuple[Line, ...]


@dataclass(frozen=True)
class AssignResult:
    suborder_id: str
    status: str  # the row's status now (ASSIGNED unless a retry found it moved on)
    created: bool  # False when a retry found the suborder already written


@dataclass(frozen=True)
class NotifyRequest:
    order_id: str
    suborder_id: str
    warehouse_id: int


@dataclass(frozen=True)
class NotifyResult:
    stream: str
    entry_id: str | None  # None when an earlier attempt already queued it


@dataclass(frozen=True)
class SuborderRequest:
    suborder_id: str


@dataclass(frozen=True)
class SuborderResult:
    suborder_id: str
    status: str  # the row's status after the call
    changed: bool  # False when the row already had it (a retry, a second click)


@dataclass(frozen=True)
class CancelOrderRequest:
    order_id: str
    reason: str = ""  # the store's reason (CancelOrder.reason); "" when the shopper cancelled


@dataclass(frozen=True)
class CancelOrderResult:
    released: tuple[Line, ...]  # aggregated stock given back (empty when already cancelled)


@dataclass(frozen=True)
class CancelUnshippedRequest:
    order_id: str


@dataclass(frozen=True)
class CancelUnshippedResult:
    cancelled: tuple[Line, ...]  # the units taken off the order (the same on a retry)
    changed: bool  # False when an earlier attempt had already done it


@dataclass(frozen=True)
class SetOrderStatusRequest:
    order_id: str
    status: str
    event: str
    detail: str = ""


@dataclass(frozen=True)
class SetOrderStatusResult:
    changed: bool


@dataclass(frozen=True)
class RefundOrderRequest:
    order_id: str


@dataclass(frozen=True)
class RefundUnshippedRequest:
    order_id: str


@dataclass(frozen=True)
class RefundOrderResult:
    refund_id: str | None  # None when there was nothing to refund (a free order)
    amount: int


@dataclass(frozen=True)
class StartOrderRequest:
    order_id: str
    user_id: int


@dataclass(frozen=True)
class StartOrderResult:
    workflow_id: str
    started: bool  # False when an earlier attempt (or anyone else) had already started it
