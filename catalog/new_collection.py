"""A new search collection built beside the live one, then published or dropped.

Whoever rebuilds the index (a catalogue load, a reindex without Temporal) does it
through `new_collection`: the next catalogue version's `items_v<N>` is created, filled
by the caller, and made live by `publish`; any failure before that drops it, so
shoppers keep searching the old one.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

from sqlalchemy import Connection, Engine

from catalog.state import catalog_load_lock, next_catalog_version, publish_catalog_version
from db.search.index import SearchIndex


@dataclass
class NewCollection:
    """A versioned search collection being built beside the live one."""

    engine: Engine
    index: SearchIndex
    started: float = field(default_factory=time.perf_counter)
    collection: str | None = None
    version: int = 0

    def create(self, conn: Connection) -> str:
        """The next catalogue version's empty collection (version read in `conn`)."""
        self.version = next_catalog_version(conn)
        self.collection = self.index.create_versioned_collection(self.version)
        return self.collection

    def publish(self) -> None:
        assert self.collection is not None
        self.version = publish_collection(self.engine, self.index, self.collection, self.version)

    @property
    def seconds(self) -> float:
        return time.perf_counter() - self.started


@contextmanager
def new_collection(engine: Engine, index: SearchIndex) -> Iterator[NewCollection]:
    """Hold the catalogue load lock while a new collection is built and published; on
    any failure before it went live, drop it (the store keeps the old catalogue). The
    engine is disposed of at the end."""
    build = NewCollection(engine, index)
    try:
        with catalog_load_lock(engine):  # held until the new index is live
            yield build
    except BaseException:
        _discard_unpublished(index, build.collection)
        raise
    finally:
        engine.dispose()


def publish_collection(engine: Engine, index: SearchIndex, collection: str, version: int) -> int:
    """Make `collection` live: swap the alias, then bump the version, then drop the old one.

    Swap before bump: a search cached under the new version can only have come from
    the new collection.
    """
    previous = index.swap_alias(collection)
    with engine.begin() as conn:
        stored = publish_catalog_version(conn, version, collection)
    if previous and previous != collection:
        index.drop_collection(previous)
    return stored


def _discard_unpublished(index: SearchIndex, collection: str | None) -> None:
    """Best effort: drop a half-built collection unless it already went live."""
    if not collection:
        return
    try:
        if collection != index.current_collection():
            index.drop_collection(collection)
    except Exception:  # Typesense may be the thing that failed; the original error matters more
        pass
