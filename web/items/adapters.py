"""The real `ItemReads` (web/item_reads.py): one item and its live stock from PostgreSQL.
Held to its fake (tests/fakes/items.py) by tests/web/test_item_contracts.py."""

from __future__ import annotations

from sqlalchemy.orm import Session, sessionmaker

from web.item_reads import ItemDetails, find_item, find_stock


class PostgresItemReads:
    def __init__(self, sessions: sessionmaker[Session]) -> None:
        self._sessions = sessions

    def find(self, item_id: int) -> ItemDetails | None:
        return find_item(self._sessions, item_id)

    def stock(self, item_id: int) -> int | None:
        return find_stock(self._sessions, item_id)
