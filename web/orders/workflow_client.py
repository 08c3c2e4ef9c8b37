"""The web side of OrderWorkflow: cancel an order as a plain call.

Views never touch temporalio. `order_client().cancel(user_id, order_id)` sends the
workflow's `cancel` update (id `order-<orderID>`) through web/temporal_gateway.py and
answers with the workflow's OrderProgress, or raises:

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

from dataclasses import dataclass

from temporalio.client import Client

from web.orders.errors import STILL_WORKING, OrderCancelRefused, OrderNotFound, OrderUnavailable
from web.services import services
from web.temporal_gateway import (
    TemporalGateway,
    TemporalUnavailable,
    WorkflowClosed,
    WorkflowNotFound,
    WorkflowRefused,
    temporal_call,
)
from workflows.order import OrderWorkflow
from workflows.order_messages import NOT_YOURS, CancelOrder, OrderProgress, order_workflow_id

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

    def cancel(self, user_id: int, order_id: str) -> OrderProgress:
        async def run(client: Client) -> OrderProgress:
            handle = client.get_workflow_handle(order_workflow_id(order_id))
            return await handle.execute_update(OrderWorkflow.cancel, CancelOrder(user_id))

        try:
            return temporal_call(self._gateway, run, timeout=CANCEL_TIMEOUT, what="orders")
        except WorkflowRefused as refusal:
            if refusal.kind == NOT_YOURS:
                raise OrderNotFound() from refusal
            raise OrderCancelRefused(refusal.kind, refusal.message) from refusal
        except WorkflowClosed as error:
            raise OrderWorkflowGone(started=True) from error
        except WorkflowNotFound as error:
            raise OrderWorkflowGone(started=False) from error
        except TemporalUnavailable as error:
            raise OrderUnavailable(
                description=STILL_WORKING if error.still_working else None
            ) from error
