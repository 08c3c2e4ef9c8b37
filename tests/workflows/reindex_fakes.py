"""Stands in for PostgreSQL + Typesense behind ReindexCatalogWorkflow, and runs the real
workflow on the session's test server against it."""

from __future__ import annotations

import threading
import uuid
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field

from temporalio import activity
from temporalio.client import WorkflowHistory
from temporalio.worker import Worker

from tests.workflows.environment import run_histories, unique_task_queue, workflow_server
from workflows.reindex import ReindexCatalogWorkflow
from workflows.reindex_messages import (
    CREATE_SEARCH_COLLECTION,
    DROP_SEARCH_COLLECTION,
    INDEX_ITEM_RANGE,
    LIVE_SEARCH_COLLECTION,
    PLAN_REINDEX,
    PUBLISH_CATALOG_VERSION,
    SWAP_SEARCH_ALIAS,
    CollectionRef,
    CollectionVersion,
    IndexRangeInput,
    IndexRangeResult,
    LiveCollection,
    PlanReindexInput,
    PublishVersionInput,
    ReindexInput,
    ReindexPlan,
)


@dataclass
class FakeCatalog:
    """Stands in for PostgreSQL + Typesense: ids 1..items, the alias on items_v3."""

    items: int
    rejected_ids: frozenset[int] = frozenset()
    live: str | None = "items_v3"  # None: the first index ever, no alias yet
    calls: list[tuple] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def record(self, *call) -> None:
        with self.lock:
            self.calls.append(call)

    def names(self) -> list[str]:
        return [call[0] for call in self.calls]

    def indexed_ranges(self) -> list[tuple[int, int]]:
        return sorted(call[1:] for call in self.calls if call[0] == "index")

    def activities(self) -> list:
        @activity.defn(name=PLAN_REINDEX)
        def plan(_: PlanReindexInput) -> ReindexPlan:
            self.record("plan")
            return ReindexPlan(version=4, first_id=1, last_id=self.items, total_items=self.items)

        @activity.defn(name=LIVE_SEARCH_COLLECTION)
        def live(_: PlanReindexInput) -> LiveCollection:
            return LiveCollection(self.live)

        @activity.defn(name=CREATE_SEARCH_COLLECTION)
        def create(request: CollectionVersion) -> CollectionRef:
            self.record("create", request.version)
            return CollectionRef(f"items_v{request.version}")

        @activity.defn(name=INDEX_ITEM_RANGE)
        def index(request: IndexRangeInput) -> IndexRangeResult:
            self.record("index", request.first_id, request.last_id)
            ids = range(request.first_id, request.last_id + 1)
            return IndexRangeResult(len(ids), sum(i in self.rejected_ids for i in ids))

        @activity.defn(name=SWAP_SEARCH_ALIAS)
        def swap(request: CollectionRef) -> None:
            self.record("swap", request.name)

        @activity.defn(name=PUBLISH_CATALOG_VERSION)
        def publish(request: PublishVersionInput) -> CollectionVersion:
            self.record("publish", request.version, request.collection)
            return CollectionVersion(request.version)

        @activity.defn(name=DROP_SEARCH_COLLECTION)
        def drop(request: CollectionRef) -> None:
            self.record("drop", request.name)

        return [plan, live, create, index, swap, publish, drop]


async def run_reindex(
    fake: FakeCatalog, request: ReindexInput, *, keep: list[WorkflowHistory] | None = None
):
    """The workflow's result; `keep` gets the history of each of its runs (for the
    recorder: a reindex that continued as new has more than one)."""
    task_queue = unique_task_queue("reindex-test")
    async with workflow_server() as env:
        with ThreadPoolExecutor(max_workers=4) as executor:
            async with Worker(
                env.client,
                task_queue=task_queue,
                workflows=[ReindexCatalogWorkflow],
                activities=fake.activities(),
                activity_executor=executor,
            ):
                handle = await env.client.start_workflow(
                    ReindexCatalogWorkflow.run,
                    request,
                    id=f"reindex-{uuid.uuid4()}",
                    task_queue=task_queue,
                )
                try:
                    return await handle.result()
                finally:
                    if keep is not None:
                        keep += await run_histories(env.client, handle)
