"""How a checkout hands its placed order to the order's own workflow (workflow code).

A local activity starts `OrderWorkflow` (activities/order_starter.py) in the workflow
task that answers SUBMIT, so the start is in the checkout's history before it closes
and a worker crash cannot lose it. A child workflow would cost every order one more
workflow task for "child started"; the price of the activity is that SUBMIT's answer,
leaving with that task, waits for the one StartWorkflowExecution call too.
"""

from __future__ import annotations

from workflows import checkout_steps as steps


async def hand_to_fulfilment(order_id: str, user_id: int) -> None:
    """Start the order's workflow, which outlives the checkout (idempotent by order id)."""
    await steps.start_order(order_id, user_id)
