"""What ReindexCatalogWorkflow and its activities pass to each other (pure dataclasses).

Activities are referenced by these names from the workflow, so workflow code never
imports the activity module (and through it SQLAlchemy or Typesense).
"""

from __future__ import annotations

from dataclasses import dataclass

REINDEX_WORKFLOW_ID = "catalog-reindex"  # one reindex at a time

# Activity names (the contract between workflows/reindex.py and activities/catalog.py).
PLAN_REINDEX = "catalog.plan_reindex"
LIVE_SEARCH_COLLECTION = "catalog.live_search_collection"
CREATE_SEARCH_COLLECTION = "catalog.create_search_collection"
INDEX_ITEM_RANGE = "catalog.index_item_range"
SWAP_SEARCH_ALIAS = "catalog.swap_search_alias"
PUBLISH_CATALOG_VERSION = "catalog.publish_catalog_version"
DROP_SEARCH_COLLECTION = "catalog.drop_search_collection"


@dataclass(frozen=True)
class ReindexProgress:
    """How far a reindex got; carried across continue-as-new and shown by the query."""

    collection: str
    version: int
    previous_collection: str | None
    next_id: int  # first item id not yet indexed
    last_id: int  # highest item id when the reindex was planned
    total_items: int
    documents: int = 0
    errors: int = 0


@dataclass(frozen=True)
class ReindexInput:
    batch_size: int = 5000  # item ids per activity: 1M items = 200 activities
    parallelism: int = 2  # ranges imported at once
    max_errors: int = 0  # rejected documents tolerated before the reindex is abandoned
    # Ranges one run handles before continuing as new (keeps the history small).
    ranges_per_run: int = 400
    resume: ReindexProgress | None = None  # set only by continue-as-new


@dataclass(frozen=True)
class ReindexResult:
    collection: str
    version: int
    documents: int
    errors: int


@dataclass(frozen=True)
class PlanReindexInput:
    pass


@dataclass(frozen=True)
class ReindexPlan:
    version: int  # the catalogue version the new collection will have
    first_id: int
    last_id: int
    total_items: int


@dataclass(frozen=True)
class LiveCollection:
    name: str | None


@dataclass(frozen=True)
class CollectionVersion:
    version: int


@dataclass(frozen=True)
class CollectionRef:
    name: str


@dataclass(frozen=True)
class IndexRangeInput:
    collection: str
    first_id: int  # inclusive
    last_id: int  # inclusive


@dataclass(frozen=True)
class IndexRangeResult:
    documents: int
    errors: int


@dataclass(frozen=True)
class PublishVersionInput:
    version: int
    collection: str
