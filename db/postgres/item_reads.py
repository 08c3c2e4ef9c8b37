"""One item with its live stock, read straight from PostgreSQL (never cached).

`aggregated_stock` is what a shopper can still reserve right now; an item without a
stock row has none. The web reads these through its `ItemReads` port
(web/item_reads.py, real adapter web/items/adapters.py); the live stock streams read
the same stock through it when they start or resync.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from db.postgres.carts import MAX_ITEM_ID
from db.postgres.models import AggregatedStock, Item


@dataclass(frozen=True)
class ItemDetails:
    item_id: int
    sku: str
    name: str
    description: str
    brand: str
    category: str
    price: int  # cents
    rating: float | None  # the average of its reviews (docs/reviews.md); None without any
    stock: int
    picture: str | None = None  # its picture's hash (web/pictures.py makes the URLs)
    review_count: int = 0

    @property
    def in_stock(self) -> bool:
        return self.stock > 0


def _possible(item_id: int) -> bool:
    return 1 <= item_id <= MAX_ITEM_ID  # asking PostgreSQL about others would only overflow


def find_item(session: Session, item_id: int) -> ItemDetails | None:
    if not _possible(item_id):
        return None
    statement = (
        select(Item, AggregatedStock.stock)
        .outerjoin(AggregatedStock, AggregatedStock.item_id == Item.id)
        .where(Item.id == item_id)
    )
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
        review_count=item.review_count,
    )


def find_stock(session: Session, item_id: int) -> int | None:
    """Just the live stock (None for an unknown item): what the stock fragment polls."""
    if not _possible(item_id):
        return None
    statement = (
        select(Item.id, AggregatedStock.stock)
        .outerjoin(AggregatedStock, AggregatedStock.item_id == Item.id)
        .where(Item.id == item_id)
    )
    row = session.execute(statement).one_or_none()
    return None if row is None else (row.stock or 0)


def stock_of(session: Session, item_ids: list[int]) -> dict[int, int]:
    """The live stock of each item that has a stock row (the others have none)."""
    possible = [item_id for item_id in item_ids if _possible(item_id)]
    statement = select(AggregatedStock.item_id, AggregatedStock.stock).where(
        AggregatedStock.item_id.in_(possible)
    )
    return {item_id: stock for item_id, stock in session.execute(statement)}
