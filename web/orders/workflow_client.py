"""The web side of OrderWorkflow: cancel an order as a plain call.

Views never touch temporalio. `order_client().cancel(user_id, order_id)` sends the
workflow's `cancel` update (id `order-<orderID>`) and answers with the workflow's
OrderView, or raises:

    OrderNotFound        the workflow says the order is not this shopper's (NotYours)
    OrderCancelRefused   its validator or handler said no (AlreadyShipped...)
    OrderWorkflowGone    there is no running workflow to ask: it never started, or it
                         already ended. Only the database can say what that means,
                         so the caller decides (web/orders/cancelling.py).
    OrderUnavailable     Temporal unreachable, or too slow to answer.

The caller checks ownership in PostgreSQL first; the workflow's own NotYours check is
a second lock on the same door.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import TypeVar

from temporalio.client import (
    Client,
    RPCTimeoutOrCancelledError,
    WorkflowUpdateFailedError,
)
from temporalio.exceptions import ApplicationError, TemporalError
from temporalio.service import RPCError, RPCStatusCode

from web.orders.errors import (
    STILL_WORKING,
    OrderCancelRefused,
    OrderNotFound,
    OrderUnavailable,
)
from web.services import services
from web.temporal_gateway import TemporalGateway, TemporalUnavailable
from workflows.order import OrderWorkflow
from workflows.order_messages import NOT_YOURS, CancelOrder, order_workflow_id
from workflows.order_messages import OrderView as WorkflowOrderView

log = logging.getLogger(__name__)
T = TypeVar("T")

# The update answers once every open suborder gave its stock back and the order row
# says CANCELLED: a few activities, each with a 30 s attempt timeout. This only trips
# when Temporal or the worker is stuck.
CANCEL_TIMEOUT = 45.0


@dataclass
class OrderWorkflowGone(Exception):
    """No running workflow answered: `started` says whether one ever existed."""

    started: bool


def order_client() -> OrderWorkflowClient:
    return OrderWorkflowClient(services().temporal)


class OrderWorkflowClient:
    def __init__(self, gateway: TemporalGateway | None) -> None:
        self._gateway = gateway

    def cancel(self, user_id: int, order_id: str) -> WorkflowOrderView:
        async def run(client: Client) -> WorkflowOrderView | OrderWorkflowGone:
            handle = client.get_workflow_handle(order_workflow_id(order_id))
            try:
                return await handle.execute_update(OrderWorkflow.cancel, CancelOrder(user_id))
            except RPCError as error:
                if error.status is not RPCStatusCode.NOT_FOUND:
                    raise
                # Returned, not raised: the gateway would turn a NOT_FOUND into "unavailable".
                return OrderWorkflowGone(started=_completed(error))

        try:
            answer = self._call(run, CANCEL_TIMEOUT)
        except WorkflowUpdateFailedError as error:
            raise _refusal_of(error) from error
        if isinstance(answer, OrderWorkflowGone):
            raise answer
        return answer

    def _call(self, make: Callable[[Client], Awaitable[T]], timeout: float) -> T:
        if self._gateway is None:
            raise OrderUnavailable()
        try:
            return self._gateway.call(make, timeout=timeout)
        except TemporalUnavailable as error:
            log.warning("orders: %s", error)
            raise OrderUnavailable() from error
        except (TimeoutError, RPCTimeoutOrCancelledError) as error:
            raise OrderUnavailable(description=STILL_WORKING) from error
        except RPCError as error:
            log.warning("orders: Temporal answered %s: %s", error.status.name, error.message)
            raise OrderUnavailable() from error


def _completed(error: RPCError) -> bool:
    """NOT_FOUND because the run already ended (rather than because it never existed),
    including an update the server had admitted when the run closed."""
    return "completed" in error.message or "closing workflow" in error.message


def _refusal_of(error: WorkflowUpdateFailedError) -> Exception:
    """The exception for an update the workflow refused (its validator or its handler)."""
    cause: BaseException | None = error.cause
    while cause is not None and not isinstance(cause, ApplicationError):
        cause = cause.__cause__ if isinstance(cause, TemporalError) else None
    if not isinstance(cause, ApplicationError):
        log.warning("orders: cancel failed without a reason: %r", error.cause)
        return OrderUnavailable()
    if cause.type == NOT_YOURS:
        return OrderNotFound()
    return OrderCancelRefused(cause.type or "Refused", cause.message)
