"""The worker's registry: whatever a workflow calls by name, the worker can run."""

from __future__ import annotations

import pytest
from temporalio import activity

import workflows.reindex_messages as reindex_messages
from entrypoints.worker import WORKFLOWS, WorkerResources, build_activities
from settings import Settings
from workflows.reindex import ReindexCatalogWorkflow

pytestmark = pytest.mark.unit


def test_the_worker_runs_the_reindex_workflow_and_every_activity_it_calls():
    # Building activity objects opens nothing, so placeholders stand in for the clients.
    resources = WorkerResources(settings=Settings(), engine=None, search_index=None)
    registered = {
        activity._Definition.must_from_callable(fn).name
        for fn in build_activities(resources, None, "q")
    }
    called = {
        value
        for name, value in vars(reindex_messages).items()
        if name.isupper() and isinstance(value, str) and value.startswith("catalog.")
    }

    assert ReindexCatalogWorkflow in WORKFLOWS
    assert called and called <= registered
