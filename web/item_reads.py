"""One item with its live stock: the `ItemReads` port, shared by the item page, the JSON
API and the live stock streams. `aggregated_stock` is what a shopper can still reserve
right now; an item without a stock row has none.

Views ask through the port (`services().items`): its real adapter is
web/items/adapters.py (the SQL is db/postgres/item_reads.py), its fake
tests/fakes/items.py.
"""

from __future__ import annotations

import re
from typing import Protocol

from db.postgres.carts import MAX_ITEM_ID
from db.postgres.item_reads import ItemDetails
from web.errors import BadRequest

__all__ = ["MAX_ITEM_ID", "ItemDetails", "ItemReads", "parse_item_id"]

_ITEM_ID = re.compile(r"[0-9]{1,30}")


class ItemReads(Protocol):
    def find(self, item_id: int) -> ItemDetails | None:
        """The item with its live stock; None for an unknown (or impossible) id."""
        ...

    def stock(self, item_id: int) -> int | None:
        """Just the live stock; None for an unknown item."""
        ...

    def stocks(self, item_ids: list[int]) -> dict[int, int]:
        """The live stock of each item that has some record of it; the others have none."""
        ...


def parse_item_id(raw: str) -> int:
    if not _ITEM_ID.fullmatch(raw):
        raise BadRequest(f"itemID must be a positive whole number, got {raw[:40]!r}.")
    return int(raw)
