"""Search documents built from PostgreSQL, the source of truth, for reindexing.

Reindexing walks item ids in fixed ranges rather than OFFSET pages: each range is an
index scan on the primary key, so the cost per batch stays flat at 1M items, and a
range can be retried on its own (the import is an upsert).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection, func, select

from catalog.records import ItemRecord
from db.postgres.models import AggregatedStock, Item
from db.search.index import SearchIndex
from db.search.schema import item_document


@dataclass(frozen=True)
class IdBounds:
    first_id: int
    last_id: int
    count: int


def document_for_record(record: ItemRecord) -> dict[str, Any]:
    return item_document(
        item_id=record.id,
        sku=record.sku,
        name=record.name,
        description=record.description,
        brand=record.brand,
        category=record.category,
        price=record.price,
        rating=record.rating,
        review_count=record.review_count,
        in_stock=record.total_stock > 0,
        picture=record.picture,
    )


def item_id_bounds(conn: Connection) -> IdBounds | None:
    """Lowest and highest item id and the item count, or None for an empty catalogue."""
    first, last, count = conn.execute(
        select(func.min(Item.id), func.max(Item.id), func.count(Item.id))
    ).one()
    if not count:
        return None
    return IdBounds(first_id=int(first), last_id=int(last), count=int(count))


def id_ranges(bounds: IdBounds, batch_size: int) -> list[tuple[int, int]]:
    """Inclusive (first, last) id ranges of `batch_size` ids covering the bounds."""
    return [
        (start, min(start + batch_size - 1, bounds.last_id))
        for start in range(bounds.first_id, bounds.last_id + 1, batch_size)
    ]


def read_item_documents(conn: Connection, first_id: int, last_id: int) -> list[dict[str, Any]]:
    """Documents for items with ids in [first_id, last_id]; in stock = aggregated stock > 0."""
    rows = conn.execute(
        select(
            Item.id,
            Item.sku,
            Item.name,
            Item.description,
            Item.brand,
            Item.category,
            Item.price,
            Item.rating,
            Item.review_count,
            func.coalesce(AggregatedStock.stock, 0).label("stock"),
            Item.picture,
        )
        .outerjoin(AggregatedStock, AggregatedStock.item_id == Item.id)
        .where(Item.id.between(first_id, last_id))
        .order_by(Item.id)
    )
    return [
        item_document(
            item_id=row.id,
            sku=row.sku,
            name=row.name,
            description=row.description,
            brand=row.brand,
            category=row.category,
            price=row.price,
            rating=row.rating,
            review_count=row.review_count,
            in_stock=row.stock > 0,
            picture=row.picture,
        )
        for row in rows
    ]


def index_id_range(
    conn: Connection, index: SearchIndex, collection: str, first_id: int, last_id: int
) -> tuple[int, int]:
    """Upsert one id range into `collection`; returns (documents sent, documents rejected)."""
    documents = read_item_documents(conn, first_id, last_id)
    if not documents:
        return 0, 0
    return len(documents), index.import_documents(collection, documents)
