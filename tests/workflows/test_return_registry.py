"""The worker's registry covers the return workflow and every activity it calls."""

from __future__ import annotations

import pytest
from temporalio import activity

from entrypoints.worker import WORKFLOWS, WorkerResources, build_activities
from settings import Settings
from workflows.mail_messages import SEND_EMAIL
from workflows.return_messages import CLOSE_RETURN, MARK_RECEIVED, REFUND_RETURN, RESTOCK_RETURN
from workflows.returns import ReturnWorkflow

pytestmark = pytest.mark.unit


def test_the_worker_runs_the_return_workflow_and_every_activity_it_calls():
    resources = WorkerResources(settings=Settings(), engine=None, search_index=None)
    registered = {
        activity._Definition.must_from_callable(fn).name
        for fn in build_activities(resources, None, "q")
    }

    assert ReturnWorkflow in WORKFLOWS
    assert {MARK_RECEIVED, REFUND_RETURN, RESTOCK_RETURN, CLOSE_RETURN, SEND_EMAIL} <= registered
