"""Starting an order's OrderWorkflow once checkout has written the order.

One external call (Temporal's StartWorkflowExecution), idempotent by its business key:
the workflow id `order-<orderID>`. The reuse policy REJECT_DUPLICATE makes a retry (or
a replayed checkout) find the order's workflow, running or long finished, instead of
fulfilling the order a second time.

Why an activity and not a child workflow: the checkout closes right after, and a
child start costs the checkout one more workflow task (for "child started") plus the
parent/child bookkeeping on the server, on every single order. Run as a local
activity inside the SUBMIT workflow task, the start is recorded in the checkout's
history before it closes, so a worker crash cannot lose it (bench.checkout and
docs/benchmarks.md have the figures).

The start carries the order's search attributes (so its first task upserts nothing)
and asks for eager start: the server hands the first workflow task straight back to
this worker in the start's answer instead of through the task queue.
"""

from __future__ import annotations

from collections.abc import Callable

from temporalio import activity
from temporalio.client import Client
from temporalio.common import SearchAttributePair, TypedSearchAttributes, WorkflowIDReusePolicy
from temporalio.exceptions import WorkflowAlreadyStartedError

from domain.order import OrderStatus
from workflows.order_messages import (
    CUSTOMER_ID,
    ORDER_ID,
    ORDER_STATUS,
    START_ORDER,
    WORKFLOW_NAME,
    OrderInput,
    StartOrderRequest,
    StartOrderResult,
    order_workflow_id,
)


class OrderStarter:
    """Starts OrderWorkflows on the task queue of the worker that runs this activity."""

    def __init__(self, client: Client, task_queue: str) -> None:
        self._client = client
        self._task_queue = task_queue

    def activities(self) -> list[Callable]:
        return [self.start_order]

    @activity.defn(name=START_ORDER)
    async def start_order(self, request: StartOrderRequest) -> StartOrderResult:
        workflow_id = order_workflow_id(request.order_id)
        try:
            await self._client.start_workflow(
                WORKFLOW_NAME,
                OrderInput(request.order_id, request.user_id),
                id=workflow_id,
                task_queue=self._task_queue,
                id_reuse_policy=WorkflowIDReusePolicy.REJECT_DUPLICATE,
                search_attributes=TypedSearchAttributes(
                    [
                        SearchAttributePair(ORDER_ID, request.order_id),
                        SearchAttributePair(CUSTOMER_ID, str(request.user_id)),
                        SearchAttributePair(ORDER_STATUS, OrderStatus.PENDING.value),
                    ]
                ),
                request_eager_start=True,
            )
        except WorkflowAlreadyStartedError:
            return StartOrderResult(workflow_id, started=False)
        return StartOrderResult(workflow_id, started=True)
