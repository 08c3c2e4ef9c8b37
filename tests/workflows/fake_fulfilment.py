"""A stand-in OrderWorkflow for the checkout tests: it keeps the input it was started
with for a query, so a test can see that (and how) the checkout handed its order on.

It never ends, like a real order that waits for its parcels: a child that ended
within the checkout's last workflow task would fail that task (UNHANDLED_COMMAND),
which the time-skipping server does not always recover from.
"""

from __future__ import annotations

from temporalio import workflow

with workflow.unsafe.imports_passed_through():
    from workflows.order_messages import WORKFLOW_NAME, OrderInput


@workflow.defn(name=WORKFLOW_NAME)
class HandedToFulfilment:
    @workflow.init
    def __init__(self, input: OrderInput) -> None:
        self._input = input

    @workflow.run
    async def run(self, input: OrderInput) -> None:
        await workflow.wait_condition(lambda: False)

    @workflow.query
    def handed(self) -> OrderInput:
        return self._input
