"""The worker's registry covers the order workflows and every fulfilment activity they call."""

from __future__ import annotations

import pytest
from temporalio import activity

import workflows.order_messages as order_messages
from entrypoints.worker import WORKFLOWS, WorkerResources, build_activities
from settings import Settings
from workflows.order import OrderWorkflow
from workflows.suborder import SuborderWorkflow

pytestmark = pytest.mark.unit


def test_the_worker_runs_the_order_workflows_and_every_fulfilment_activity_they_call():
    resources = WorkerResources(settings=Settings(), engine=None, search_index=None)
    registered = {
        activity._Definition.must_from_callable(fn).name
        for fn in build_activities(resources, None, "q")
    }
    called = {
        value
        for name, value in vars(order_messages).items()
        if name.isupper()
        and isinstance(value, str)
        and value.startswith(("fulfilment.", "payments."))
    }

    assert OrderWorkflow in WORKFLOWS and SuborderWorkflow in WORKFLOWS
    assert len(called) == 12 and called <= registered  # 10 fulfilment + 2 refunds
