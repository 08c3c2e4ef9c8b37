"""Catalogue activities: the steps of ReindexCatalogWorkflow.

Each does one transaction or one Typesense call (index_item_range: one read, one
upsert import) and is safe to repeat: Temporal retries any of them after a crash.
"""

from __future__ import annotations

from collections.abc import Callable

from sqlalchemy import Engine
from temporalio import activity
from temporalio.exceptions import ApplicationError

from catalog.search_documents import item_id_bounds, read_item_documents
from catalog.state import next_catalog_version, publish_catalog_version
from db.search.index import SearchIndex, SearchIndexError
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
    ReindexPlan,
)


class CatalogActivities:
    def __init__(self, engine: Engine, search_index: SearchIndex) -> None:
        self.engine = engine
        self.search_index = search_index

    def activities(self) -> list[Callable]:
        return [
            self.plan_reindex,
            self.live_search_collection,
            self.create_search_collection,
            self.index_item_range,
            self.swap_search_alias,
            self.publish_catalog_version,
            self.drop_search_collection,
        ]

    @activity.defn(name=PLAN_REINDEX)
    def plan_reindex(self, _: PlanReindexInput) -> ReindexPlan:
        """Next catalogue version and the id range to walk, read in one snapshot."""
        with self.engine.connect() as conn:
            version = next_catalog_version(conn)
            bounds = item_id_bounds(conn)
        if bounds is None:
            return ReindexPlan(version=version, first_id=1, last_id=0, total_items=0)
        return ReindexPlan(
            version=version,
            first_id=bounds.first_id,
            last_id=bounds.last_id,
            total_items=bounds.count,
        )

    @activity.defn(name=LIVE_SEARCH_COLLECTION)
    def live_search_collection(self, _: PlanReindexInput) -> LiveCollection:
        return LiveCollection(name=self.search_index.current_collection())

    @activity.defn(name=CREATE_SEARCH_COLLECTION)
    def create_search_collection(self, request: CollectionVersion) -> CollectionRef:
        # Replaces a leftover of the same name (an earlier abandoned run); never the live one.
        try:
            return CollectionRef(self.search_index.create_versioned_collection(request.version))
        except SearchIndexError as error:
            raise ApplicationError(str(error), non_retryable=True) from error

    @activity.defn(name=INDEX_ITEM_RANGE)
    def index_item_range(self, request: IndexRangeInput) -> IndexRangeResult:
        # Read, release the connection, then import: no transaction held open over HTTP.
        with self.engine.connect() as conn:
            documents = read_item_documents(conn, request.first_id, request.last_id)
        errors = self.search_index.import_documents(request.collection, documents)
        return IndexRangeResult(documents=len(documents), errors=errors)

    @activity.defn(name=SWAP_SEARCH_ALIAS)
    def swap_search_alias(self, request: CollectionRef) -> None:
        self.search_index.swap_alias(request.name)

    @activity.defn(name=PUBLISH_CATALOG_VERSION)
    def publish_catalog_version(self, request: PublishVersionInput) -> CollectionVersion:
        with self.engine.begin() as conn:
            stored = publish_catalog_version(conn, request.version, request.collection)
        return CollectionVersion(stored)

    @activity.defn(name=DROP_SEARCH_COLLECTION)
    def drop_search_collection(self, request: CollectionRef) -> None:
        if request.name == self.search_index.current_collection():
            # Retryable: on a Typesense cluster the alias may be read from a node that has
            # not yet applied the swap just made through another (Raft followers apply a
            # moment after the leader; docs/scaling.md). A collection that really is
            # live stays refused on every attempt.
            raise ApplicationError(f"{request.name} is live; not dropping it")
        self.search_index.drop_collection(request.name)
