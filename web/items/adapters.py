"""The real `ItemReads` (web/item_reads.py): one item and its live stock from PostgreSQL
(db/postgres/item_reads.py). Held to its fake (tests/fakes/items.py) by
tests/web/test_item_contracts.py."""

from __future__ import annotations

from sqlalchemy.orm import Session, sessionmaker

from db.postgres.item_reads import ItemDetails, find_item, find_stock, stock_of


class PostgresItemReads:
    def __init__(self, sessions: sessionmaker[Session]) -> None:
        self._sessions = sessions

    def find(self, item_id: int) -> ItemDetails | None:
        with self._sessions() as session:
            return find_item(session, item_id)

    def stock(self, item_id: int) -> int | None:
        with self._sessions() as session:
            return find_stock(session, item_id)

    def stocks(self, item_ids: list[int]) -> dict[int, int]:
        with self._sessions() as session:
            return stock_of(session, item_ids)
