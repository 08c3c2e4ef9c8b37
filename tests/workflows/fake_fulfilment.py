"""A stand-in OrderWorkflow for the checkout tests: it only answers the input it was
started with, so a test can see that (and how) the checkout handed its order on."""

from __future__ import annotations

from temporalio import workflow

with workflow.unsafe.imports_passed_through():
    from workflows.order_messages import WORKFLOW_NAME, OrderInput


@workflow.defn(name=WORKFLOW_NAME)
class HandedToFulfilment:
    @workflow.run
    async def run(self, input: OrderInput) -> OrderInput:
        return input
