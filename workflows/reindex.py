"""ReindexCatalogWorkflow: rebuild the Typesense index from PostgreSQL, visibly and resumably.

Steps (each an activity, each retried on its own, all visible in the Temporal Web UI):
1. plan: the next catalogue version and the item id range; note the live collection;
2. create an empty `items_v<N>` beside the live one;
3. upsert item id ranges into it, `parallelism` at a time (continue-as-new every
   `ranges_per_run` ranges so a 1M-item reindex keeps a short history);
4. swap the alias, bump the catalogue version, drop the old collection.
Shoppers search the old collection until step 4; if Typesense rejects documents the
new collection is dropped and the live one is left untouched.
"""

from __future__ import annotations

import asyncio
from dataclasses import replace
from datetime import timedelta

from temporalio import workflow
from temporalio.common import RetryPolicy
from temporalio.exceptions import ApplicationError

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
    ReindexProgress,
    ReindexResult,
)

# Retry for minutes (a Typesense or PostgreSQL restart), then give up and fail visibly.
RETRY = RetryPolicy(
    initial_interval=timedelta(seconds=1),
    backoff_coefficient=2.0,
    maximum_interval=timedelta(seconds=30),
    maximum_attempts=10,
)
QUICK_STEP = timedelta(seconds=30)
IMPORT_STEP = timedelta(minutes=5)  # 5,000 documents take ~0.3 s; generous for a busy box


@workflow.defn(name="ReindexCatalog")
class ReindexCatalogWorkflow:
    def __init__(self) -> None:
        self._progress: ReindexProgress | None = None

    @workflow.query
    def progress(self) -> ReindexProgress | None:
        return self._progress

    @workflow.run
    async def run(self, request: ReindexInput) -> ReindexResult:
        if request.batch_size < 1 or request.parallelism < 1 or request.ranges_per_run < 1:
            raise ApplicationError(f"invalid reindex request: {request}", non_retryable=True)
        self._progress = request.resume or await self._start()
        ranges_this_run = 0
        while self._progress.next_id <= self._progress.last_id:
            if (
                ranges_this_run >= request.ranges_per_run
                or workflow.info().is_continue_as_new_suggested()
            ):
                workflow.continue_as_new(replace(request, resume=self._progress))
            window = self._next_ranges(request)
            results = await asyncio.gather(*(self._index(first, last) for first, last in window))
            ranges_this_run += len(window)
            self._progress = replace(
                self._progress,
                next_id=window[-1][1] + 1,
                documents=self._progress.documents + sum(r.documents for r in results),
                errors=self._progress.errors + sum(r.errors for r in results),
            )
        return await self._publish(request)

    async def _start(self) -> ReindexProgress:
        plan = await workflow.execute_activity(
            PLAN_REINDEX,
            PlanReindexInput(),
            result_type=ReindexPlan,
            start_to_close_timeout=QUICK_STEP,
            retry_policy=RETRY,
        )
        live = await workflow.execute_activity(
            LIVE_SEARCH_COLLECTION,
            PlanReindexInput(),
            result_type=LiveCollection,
            start_to_close_timeout=QUICK_STEP,
            retry_policy=RETRY,
        )
        created = await workflow.execute_activity(
            CREATE_SEARCH_COLLECTION,
            CollectionVersion(plan.version),
            result_type=CollectionRef,
            start_to_close_timeout=QUICK_STEP,
            retry_policy=RETRY,
        )
        return ReindexProgress(
            collection=created.name,
            version=plan.version,
            previous_collection=live.name,
            next_id=plan.first_id,
            last_id=plan.last_id,
            total_items=plan.total_items,
        )

    def _next_ranges(self, request: ReindexInput) -> list[tuple[int, int]]:
        assert self._progress is not None
        ranges = []
        start = self._progress.next_id
        while start <= self._progress.last_id and len(ranges) < request.parallelism:
            last = min(start + request.batch_size - 1, self._progress.last_id)
            ranges.append((start, last))
            start = last + 1
        return ranges

    async def _index(self, first_id: int, last_id: int) -> IndexRangeResult:
        assert self._progress is not None
        return await workflow.execute_activity(
            INDEX_ITEM_RANGE,
            IndexRangeInput(self._progress.collection, first_id, last_id),
            result_type=IndexRangeResult,
            start_to_close_timeout=IMPORT_STEP,
            retry_policy=RETRY,
            summary=f"items {first_id}-{last_id}",
        )

    async def _publish(self, request: ReindexInput) -> ReindexResult:
        progress = self._progress
        assert progress is not None
        new = CollectionRef(progress.collection)
        if progress.errors > request.max_errors:
            await self._step(DROP_SEARCH_COLLECTION, new)
            raise ApplicationError(
                f"Typesense rejected {progress.errors} of {progress.documents} documents; "
                f"dropped {progress.collection}, the live index is unchanged",
                non_retryable=True,
            )
        await self._step(SWAP_SEARCH_ALIAS, new)
        stored = await workflow.execute_activity(
            PUBLISH_CATALOG_VERSION,
            PublishVersionInput(progress.version, progress.collection),
            result_type=CollectionVersion,
            start_to_close_timeout=QUICK_STEP,
            retry_policy=RETRY,
        )
        if progress.previous_collection and progress.previous_collection != progress.collection:
            await self._step(DROP_SEARCH_COLLECTION, CollectionRef(progress.previous_collection))
        return ReindexResult(
            collection=progress.collection,
            version=stored.version,
            documents=progress.documents,
            errors=progress.errors,
        )

    async def _step(self, activity_name: str, argument: object) -> None:
        await workflow.execute_activity(
            activity_name, argument, start_to_close_timeout=QUICK_STEP, retry_policy=RETRY
        )
