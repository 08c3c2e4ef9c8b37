"""The reindex's last step drops the old collection, never the live one; on a Typesense
cluster the alias may be read from a node that has not applied the swap yet, so a
refusal is retried rather than the whole reindex failed (docs/scaling.md)."""

from __future__ import annotations

import pytest
from temporalio.exceptions import ApplicationError

from activities.catalog import CatalogActivities
from workflows.reindex_messages import CollectionRef

pytestmark = pytest.mark.unit


class LaggingIndex:
    """An alias read that shows `items_v1` live for `stale_reads` reads, then `items_v2`."""

    def __init__(self, stale_reads: int) -> None:
        self.stale_reads = stale_reads
        self.dropped: list[str] = []

    def current_collection(self) -> str:
        if self.stale_reads > 0:
            self.stale_reads -= 1
            return "items_v1"
        return "items_v2"

    def drop_collection(self, name: str) -> bool:
        self.dropped.append(name)
        return True


def test_the_old_collection_is_dropped_once_the_swap_is_seen():
    index = LaggingIndex(stale_reads=1)
    catalog = CatalogActivities(engine=None, search_index=index)

    with pytest.raises(ApplicationError) as refused:
        catalog.drop_search_collection(CollectionRef("items_v1"))
    assert not refused.value.non_retryable  # Temporal asks again
    assert index.dropped == []

    catalog.drop_search_collection(CollectionRef("items_v1"))
    assert index.dropped == ["items_v1"]


def test_the_live_collection_is_never_dropped():
    index = LaggingIndex(stale_reads=0)
    catalog = CatalogActivities(engine=None, search_index=index)

    for _ in range(3):
        with pytest.raises(ApplicationError):
            catalog.drop_search_collection(CollectionRef("items_v2"))
    assert index.dropped == []
