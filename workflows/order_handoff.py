"""How a checkout hands its placed order to the order's own workflow (workflow code).

Since START_ORDER_BY_ACTIVITY a local activity starts `OrderWorkflow`
(activities/order_starter.py) in the workflow task that answers SUBMIT, so the start is
in the checkout's history before it closes and a worker crash cannot lose it. A child
workflow, as before, cost every order one more workflow task for "child started"; the
price of the activity is that SUBMIT's answer, leaving with that task, waits for the
one StartWorkflowExecution call too. Histories recorded before START_ORDER_BY_ACTIVITY
replay the child start; those recorded before START_FULFILMENT replay no hand-off.
"""

from __future__ import annotations

import contextlib

from temporalio import workflow
from temporalio.exceptions import WorkflowAlreadyStartedError
from temporalio.workflow import ParentClosePolicy

from workflows import checkout_steps as steps
from workflows.order_messages import WORKFLOW_NAME, OrderInput, order_workflow_id

START_FULFILMENT = "start-order-workflow"  # workflow.patched ids, oldest first
START_ORDER_BY_ACTIVITY = "start-order-by-activity"


async def hand_to_fulfilment(order_id: str, user_id: int) -> None:
    """Start the order's workflow, which outlives the checkout."""
    if workflow.patched(START_ORDER_BY_ACTIVITY):
        await steps.start_order(order_id, user_id)
        return
    if not workflow.patched(START_FULFILMENT):
        return
    # Already started (by an operator, say): the order is being fulfilled all the same.
    with contextlib.suppress(WorkflowAlreadyStartedError):
        await workflow.start_child_workflow(
            WORKFLOW_NAME,
            OrderInput(order_id, user_id),
            id=order_workflow_id(order_id),
            parent_close_policy=ParentClosePolicy.ABANDON,
        )
