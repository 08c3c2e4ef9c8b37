"""Live stock laid over a search page at answer time.

A cached page (30 s TTL) and even a fresh Typesense answer can hold an `in_stock` flag
that a checkout just made wrong: the relay (db.redis.stock_feed) updates Typesense within
moments, but the cache keeps what it had. So every page's hits get their flag from
`aggregated_stock` (one primary-key lookup for at most a page of ids), and hits that
no longer match an `inStock` filter are dropped from the page. If PostgreSQL cannot
answer, the page keeps Typesense's flags: search stays up.

The lookup runs on every search, so it is kept to one round trip: a single statement
in autocommit (no BEGIN / ROLLBACK around it), on an engine of its own without the
pool's pre-ping (`stock_engine`), sent on the pooled psycopg connection itself (the
SQLAlchemy statement layer cost more CPU than the round trip, docs/benchmarks.md); a
connection PostgreSQL dropped fails the statement, which is then tried once more on a
fresh connection. The statement text never changes,
so psycopg prepares it after a few uses and PostgreSQL stops re-planning it
(docs/benchmarks.md, "app side").

What stays approximate: `found` and the facet counts, which come from the engine.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from typing import TYPE_CHECKING

import psycopg
from sqlalchemy import Engine
from sqlalchemy.exc import SQLAlchemyError

from db.postgres.engine import make_engine

if TYPE_CHECKING:
    from db.search.service import SearchHit

log = logging.getLogger(__name__)

# The ids go as one text parameter, an array literal PostgreSQL casts: psycopg dumps a
# string as it is, where a list of ints costs it an array dumper per search (about a third
# of the lookup's client CPU, docs/benchmarks.md). Ids are ints (`id_array`), so the
# literal holds nothing but digits and commas.
STOCK_OF = "SELECT item_id, stock FROM aggregated_stock WHERE item_id = ANY(%s::bigint[])"


def id_array(ids: Sequence[int]) -> str:
    """`{1,2,3}`: the ids as PostgreSQL's array literal, STOCK_OF's one parameter."""
    return "{" + ",".join(str(int(item_id)) for item_id in ids) + "}"


def stock_engine(database_url: str, *, pool_size: int = 5) -> Engine:
    """The overlay's engine: autocommit, no pre-ping (one round trip per search)."""
    return make_engine(
        database_url, pool_size=pool_size, pre_ping=False, isolation_level="AUTOCOMMIT"
    )


class LiveStockOverlay:
    def __init__(self, engine: Engine) -> None:
        self._engine = engine

    def stock_of(self, item_ids: Sequence[int]) -> dict[int, int] | None:
        """Units each item has now (0 for an item without a stock row); None if unknown."""
        if not item_ids:
            return {}
        ids = [int(item_id) for item_id in item_ids]
        for attempt in (1, 2):
            try:
                connection = self._engine.raw_connection()
            except (SQLAlchemyError, psycopg.Error) as exc:
                # The raw pool hands psycopg's own error on, unwrapped (PostgreSQL down).
                return self._unknown(exc)
            try:
                cursor = connection.cursor()
                cursor.execute(STOCK_OF, (id_array(ids),))
                rows = dict(cursor.fetchall())
                break
            except psycopg.OperationalError as exc:
                # A connection PostgreSQL dropped (a restart): thrown away, and the second
                # attempt takes a fresh one.
                connection.invalidate(exc)
                if attempt == 2:
                    return self._unknown(exc)
            except psycopg.Error as exc:
                return self._unknown(exc)
            finally:
                connection.close()  # back to the pool (a no-op once invalidated)
        return {item_id: rows.get(item_id, 0) for item_id in ids}

    @staticmethod
    def _unknown(exc: Exception) -> None:
        log.warning("live stock unavailable (%s); search flags as indexed", type(exc).__name__)
        return None

    def apply(self, hits: list[SearchHit], in_stock_filter: bool | None) -> list[SearchHit]:
        return lay_over(hits, self.stock_of([hit.item_id for hit in hits]), in_stock_filter)


def lay_over(
    hits: list[SearchHit], stock: dict[int, int] | None, in_stock_filter: bool | None
) -> list[SearchHit]:
    """The hits with their live flags (`stock` None: as indexed), less those the
    in-stock filter no longer lets through."""
    if stock is None:
        return hits
    # A copy only for a hit whose flag changed: most agree with the index.
    live = [
        hit if hit.in_stock == (stock[hit.item_id] > 0) else hit._replace(in_stock=not hit.in_stock)
        for hit in hits
    ]
    if in_stock_filter is None:
        return live
    return [hit for hit in live if hit.in_stock == in_stock_filter]
