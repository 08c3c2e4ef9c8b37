"""The web side of SuborderWorkflow: confirm shipped / delivered as plain calls.

Views never touch temporalio. `suborder_client().confirm_shipped(suborder_id)` sends
the child workflow `suborder-<suborderID>` the update of that name (through
web/temporal_gateway.py) and returns the
status string it answers with once the worker has written it (SHIPPED, DELIVERED or
CANCELLED). Failures come back as:

    SuborderRefused       the workflow said no (e.g. NotShipped: deliver before ship)
    SuborderWorkflowGone  the child workflow has closed (DELIVERED, CANCELLED, LOST) or
                          never existed: the caller answers from the database row
    FulfilmentUnavailable 503: Temporal unreachable, or too slow to answer
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from temporalio.client import Client
from werkzeug.exceptions import ServiceUnavailable

from web.services import services
from web.temporal_gateway import (
    TemporalGateway,
    TemporalUnavailable,
    WorkflowClosed,
    WorkflowNotFound,
    WorkflowRefused,
    temporal_call,
)
from workflows.order_messages import suborder_workflow_id
from workflows.suborder import SuborderWorkflow

# The update answers once the mark_shipped / mark_delivered activity has committed;
# those take milliseconds, so this only trips when Temporal or the worker is stuck.
UPDATE_TIMEOUT = 30.0


class FulfilmentUnavailable(ServiceUnavailable):
    description = (
        "Fulfilment is unavailable right now, so nothing was changed. Please try again in a moment."
    )


class SuborderWorkflowGone(Exception):
    """The suborder's workflow is closed (or unknown): its database row has the last word."""


@dataclass
class SuborderRefused(Exception):
    kind: str  # the ApplicationError type, e.g. workflows.order_messages.NOT_SHIPPED
    message: str

    def __str__(self) -> str:
        return self.message


def suborder_client() -> SuborderWorkflowClient:
    return SuborderWorkflowClient(services().temporal)


class SuborderWorkflowClient:
    def __init__(self, gateway: TemporalGateway | None) -> None:
        self._gateway = gateway

    def confirm_shipped(self, suborder_id: str) -> str:
        return self._update(suborder_id, SuborderWorkflow.confirm_shipped)

    def confirm_delivered(self, suborder_id: str) -> str:
        return self._update(suborder_id, SuborderWorkflow.confirm_delivered)

    def _update(self, suborder_id: str, update: Callable) -> str:
        async def run(client: Client) -> str:
            handle = client.get_workflow_handle_for(
                SuborderWorkflow.run, suborder_workflow_id(suborder_id)
            )
            return await handle.execute_update(update)

        try:
            return temporal_call(
                self._gateway, run, timeout=UPDATE_TIMEOUT, what="warehouse portal"
            )
        except WorkflowRefused as refusal:
            raise SuborderRefused(refusal.kind, refusal.message) from refusal
        except (WorkflowClosed, WorkflowNotFound) as error:
            # "workflow execution already completed" or "workflow not found".
            raise SuborderWorkflowGone() from error
        except TemporalUnavailable as error:
            raise FulfilmentUnavailable() from error
