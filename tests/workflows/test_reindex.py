"""ReindexCatalogWorkflow: every item indexed once, the new index published only when clean."""

from __future__ import annotations

import uuid
from concurrent.futures import ThreadPoolExecutor

import pytest
from temporalio import activity
from temporalio.client import WorkflowFailureError

from tests.workflows.environment import run, unique_task_queue, workflow_server
from tests.workflows.reindex_fakes import FakeCatalog, run_reindex
from workflows.reindex import ReindexCatalogWorkflow
from workflows.reindex_messages import ReindexInput


@pytest.mark.unit
def test_the_fake_catalog_stands_in_for_every_activity_of_the_real_one():
    from activities.catalog import CatalogActivities

    def names(activities) -> set[str]:
        return {activity._Definition.must_from_callable(fn).name for fn in activities}

    real = CatalogActivities(engine=None, search_index=None)  # building one opens nothing
    assert names(FakeCatalog(items=1).activities()) == names(real.activities())


@pytest.mark.workflow
def test_a_reindex_indexes_every_item_once_then_publishes_the_new_collection():
    fake = FakeCatalog(items=10_450)

    result = run(run_reindex(fake, ReindexInput(batch_size=1_000, parallelism=3)))

    assert (result.collection, result.version, result.documents, result.errors) == (
        "items_v4",
        4,
        10_450,
        0,
    )
    ranges = fake.indexed_ranges()
    assert ranges[0] == (1, 1_000) and ranges[-1] == (10_001, 10_450)
    assert all(b[0] == a[1] + 1 for a, b in zip(ranges, ranges[1:], strict=False))
    names = fake.names()
    assert names.index("swap") > max(i for i, n in enumerate(names) if n == "index")
    assert names[-3:] == ["swap", "publish", "drop"]
    assert fake.calls[-1] == ("drop", "items_v3")  # the old collection, never the new one


@pytest.mark.workflow
def test_a_long_reindex_continues_as_new_and_still_counts_every_document():
    fake = FakeCatalog(items=95)

    result = run(run_reindex(fake, ReindexInput(batch_size=10, parallelism=2, ranges_per_run=4)))

    assert result.documents == 95
    assert len(fake.indexed_ranges()) == 10
    assert fake.names().count("create") == 1  # the new run resumes, it does not start over


@pytest.mark.workflow
def test_rejected_documents_drop_the_new_collection_and_leave_the_live_one_alone():
    fake = FakeCatalog(items=3_000, rejected_ids=frozenset({42, 2_999}))

    with pytest.raises(WorkflowFailureError) as failure:
        run(run_reindex(fake, ReindexInput(batch_size=1_000)))

    assert "rejected 2 of 3000" in str(failure.value.cause)
    assert "swap" not in fake.names() and "publish" not in fake.names()
    assert fake.calls[-1] == ("drop", "items_v4")


@pytest.mark.workflow
def test_an_empty_catalogue_publishes_an_empty_index():
    fake = FakeCatalog(items=0)

    result = run(run_reindex(fake, ReindexInput()))

    assert result.documents == 0 and "index" not in fake.names()
    assert "swap" in fake.names()


@pytest.mark.integration
def test_the_reindex_workflow_rebuilds_the_index_from_postgres(catalog_settings):
    from catalog.generator import generate_items, generate_warehouses
    from catalog.loader import load_catalog
    from entrypoints.worker import build_resources, build_workers, running
    from tests.catalog.conftest import search_index_for
    from workflows.task_queues import Service
    from workflows.task_queues import task_queue as queue_of

    warehouses = generate_warehouses(4, seed=5)
    first = load_catalog(
        catalog_settings,
        warehouses,
        generate_items(2_000, warehouse_ids=[w.id for w in warehouses], seed=5),
        progress=False,
    )

    async def reindex():
        resources = build_resources(catalog_settings, pool_size=4)
        try:
            task_queue = unique_task_queue("reindex-it")
            async with workflow_server() as env:
                with ThreadPoolExecutor(max_workers=4) as executor:
                    workers = build_workers(
                        env.client,
                        resources,
                        executor,
                        task_queue=task_queue,
                        services=[Service.CATALOG],
                        threads=4,
                    )
                    async with running(workers):
                        return await env.client.execute_workflow(
                            ReindexCatalogWorkflow.run,
                            # Small batches and runs: real activities across continue-as-new.
                            ReindexInput(batch_size=300, parallelism=2, ranges_per_run=4),
                            id=f"reindex-{uuid.uuid4()}",
                            task_queue=queue_of(task_queue, Service.CATALOG),
                        )
        finally:
            resources.close()

    result = run(reindex())

    index = search_index_for(catalog_settings)
    assert (result.documents, result.errors, result.version) == (2_000, 0, first.version + 1)
    assert index.current_collection() == result.collection
    assert index.count_documents() == 2_000
    assert not index.collection_exists(first.collection)
