"""The catalogue version: one row in `catalog_state`, bumped whenever a new index goes live.

Search caches put this version in their keys, so bumping it right after the alias swap
retires every cached result of the old index at once.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import Connection, Engine, exists, func, select, text
from sqlalchemy.dialects.postgresql import insert

from db.postgres.models import CatalogState, Item

STATE_ROW_ID = 1
# pg_advisory_xact_lock key that serialises catalogue loads ("SHOPCATL" in ASCII).
LOAD_LOCK_KEY = 0x53484F5043415444


def current_catalog_version(conn: Connection) -> int:
    """The live version, 0 before the first load."""
    version = conn.scalar(select(CatalogState.version).where(CatalogState.id == STATE_ROW_ID))
    return int(version or 0)


def next_catalog_version(conn: Connection) -> int:
    return current_catalog_version(conn) + 1


def publish_catalog_version(conn: Connection, version: int, collection: str) -> int:
    """Record that `collection` (version `version`) is live; returns the version now stored.

    Never moves the version backwards, so a retried or late publish is harmless. The
    row is created on first use.
    """
    statement = insert(CatalogState).values(id=STATE_ROW_ID, version=version, collection=collection)
    statement = statement.on_conflict_do_update(
        index_elements=[CatalogState.id],
        set_={
            "version": statement.excluded.version,
            "collection": statement.excluded.collection,
            "updated_at": func.now(),
        },
        where=CatalogState.version < statement.excluded.version,
    )
    conn.execute(statement)
    return current_catalog_version(conn)


def items_table_is_empty(conn: Connection) -> bool:
    return not conn.scalar(select(exists().where(Item.id.is_not(None))))


@contextmanager
def catalog_load_lock(engine: Engine) -> Iterator[None]:
    """Serialise catalogue loads from start to publish (a session-level advisory lock).

    Two loads would otherwise pick the same next version, and so the same collection
    name, and one would drop the other's collection.
    """
    with engine.connect() as conn:
        conn.execute(text("SELECT pg_advisory_lock(:key)"), {"key": LOAD_LOCK_KEY})
        conn.commit()
        try:
            yield
        finally:
            conn.execute(text("SELECT pg_advisory_unlock(:key)"), {"key": LOAD_LOCK_KEY})
            conn.commit()
