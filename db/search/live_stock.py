"""Live stock laid over a search page at answer time.

A cached page (30 s TTL) and even a fresh Typesense answer can hold an `in_stock` flag
that a checkout just made wrong: the relay (db.live_stock) updates Typesense within
moments, but the cache keeps what it had. So every page's hits get their flag from
`aggregated_stock` (one primary-key lookup for at most a page of ids), and hits that
no longer match an `inStock` filter are dropped from the page. If PostgreSQL cannot
answer, the page keeps Typesense's flags: search stays up.

What stays approximate: `found` and the facet counts, which come from the engine.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import replace
from typing import TYPE_CHECKING

from sqlalchemy import select
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session, sessionmaker

from db.models import AggregatedStock

if TYPE_CHECKING:
    from db.search.service import SearchHit

log = logging.getLogger(__name__)


class LiveStockOverlay:
    def __init__(self, sessions: sessionmaker[Session]) -> None:
        self._sessions = sessions

    def stock_of(self, item_ids: Sequence[int]) -> dict[int, int] | None:
        """Units each item has now (0 for an item without a stock row); None if unknown."""
        if not item_ids:
            return {}
        statement = select(AggregatedStock.item_id, AggregatedStock.stock).where(
            AggregatedStock.item_id.in_(item_ids)
        )
        try:
            with self._sessions() as session:
                rows = {item_id: stock for item_id, stock in session.execute(statement)}
        except SQLAlchemyError as exc:
            log.warning("live stock unavailable (%s); search flags as indexed", type(exc).__name__)
            return None
        return {item_id: rows.get(item_id, 0) for item_id in item_ids}

    def apply(self, hits: list[SearchHit], in_stock_filter: bool | None) -> list[SearchHit]:
        stock = self.stock_of([hit.item_id for hit in hits])
        if stock is None:
            return hits
        live = [replace(hit, in_stock=stock[hit.item_id] > 0) for hit in hits]
        if in_stock_filter is None:
            return live
        return [hit for hit in live if hit.in_stock == in_stock_filter]
