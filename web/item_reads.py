"""One item with its live stock, read straight from PostgreSQL (never cached).

Shared by the item page and the JSON API. `aggregated_stock` is what a shopper can
still reserve right now; an item without a stock row has none.

Views ask through the `ItemReads` port (`services().items`): its real adapter is
web/items/adapters.py, its fake tests/fakes/items.py.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Protocol

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from db.postgres.models import AggregatedStock, Item
from web.errors import BadRequest

MAX_ITEM_ID = 2**63 - 1  # items.id is a BIGINT; larger numbers cannot exist
_ITEM_ID = re.compile(r"[0-9]{1,30}")


@dataclass(frozen=True)
class ItemDetails:
    item_id: int
    sku: str
    name: str
    description: str
    brand: str
    category: str
    price: int  # cents
    rating: float
    stock: int
    picture: str | None = None  # its picture's hash (web/pictures.py makes the URLs)

    @property
    def in_stock(self) -> bool:
        return self.stock > 0


class ItemReads(Protocol):
    def find(self, item_id: int) -> ItemDetails | None:
        """The item with its live stock; None for an unknown (or impossible) id."""
        ...

    def stock(self, item_id: int) -> int | None:
        """Just the live stock; None for an unknown item."""
        ...


def parse_item_id(raw: str) -> int:
    if not _ITEM_ID.fullmatch(raw):
        raise BadRequest(f"itemID must be a positive whole number, got {raw[:40]!r}.")
    return int(raw)


def find_item(sessions: sessionmaker[Session], item_id: int) -> ItemDetails | None:
    if not 1 <= item_id <= MAX_ITEM_ID:
        return None  # asking PostgreSQL would only overflow
    statement = (
        select(Item, AggregatedStock.stock)
        .outerjoin(AggregatedStock, AggregatedStock.item_id == Item.id)
        .where(Item.id == item_id)
    )
    with sessions() as session:
        row = session.execute(statement).one_or_none()
    if row is None:
        return None
    item, stock = row
    return ItemDetails(
        item_id=item.id,
        sku=item.sku,
        name=item.name,
        description=item.description,
        brand=item.brand,
        category=item.category,
        price=item.price,
        rating=item.rating,
        stock=stock or 0,
        picture=item.picture,
    )


def find_stock(sessions: sessionmaker[Session], item_id: int) -> int | None:
    """Just the live stock (None for an unknown item): what the stock fragment polls."""
    if not 1 <= item_id <= MAX_ITEM_ID:
        return None
    statement = (
        select(Item.id, AggregatedStock.stock)
        .outerjoin(AggregatedStock, AggregatedStock.item_id == Item.id)
        .where(Item.id == item_id)
    )
    with sessions() as session:
        row = session.execute(statement).one_or_none()
    return None if row is None else (row.stock or 0)
