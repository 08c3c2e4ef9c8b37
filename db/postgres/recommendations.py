"""The signals behind recommendations, read from where they live; the rules that combine
them are domain/recommendations.py.

* Recent searches: a capped Redis list per shopper (`recs:<store>:searches:<userID>`, newest
  first, JSON `{q, items}` with the search's top item ids), expiring after 30 days idle.
  Keeping the ids means recommending never asks Typesense: it answers with Typesense down.
* Co-purchases: the `co_purchases` table, kept by a trigger when an order's lines are
  written (migration 0006_co_purchases).
* Popular: units ordered in the last week, cached in Redis for a minute; the best-rated
  items in stock while nothing has sold.
Every Redis call is optional: without Redis the shopper gets co-purchases and popular.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Collection, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

import redis
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from db.postgres.models import AggregatedStock, CoPurchase, Item, Order, OrderLine, OrderStatus
from domain.recommendations import (
    ITEMS_PER_SEARCH,
    RECENT_SEARCH_DAYS,
    RECENT_SEARCHES_KEPT,
    RecentSearch,
    replaces_previous,
)

log = logging.getLogger(__name__)

POPULAR_WINDOW = timedelta(days=7)
POPULAR_CACHE_SECONDS = 60
POPULAR_SIZE = 50  # how many popular ids are kept (more than any page shows)


@dataclass(frozen=True)
class ItemCard:
    item_id: int
    name: str
    price: int  # cents
    category: str
    stock: int
    picture: str | None = None  # its picture's hash (docs/media.md)

    @property
    def in_stock(self) -> bool:
        return self.stock > 0


class RecentSearches:
    """One shopper's recent searches in Redis. `store` names the database whose user ids
    these are, so two stores (or test databases) sharing one Redis never mix shoppers."""

    def __init__(self, client: redis.Redis, store: str = "") -> None:
        self._redis = client
        self._store = store

    def key(self, user_id: int) -> str:
        return f"recs:{self._store}:searches:{user_id}"

    def remember(self, user_id: int, query: str, item_ids: Sequence[int]) -> None:
        entry = json.dumps({"q": query.strip()[:200], "items": list(item_ids[:ITEMS_PER_SEARCH])})
        key = self.key(user_id)
        try:
            head = self._redis.lindex(key, 0)
            previous = json.loads(head)["q"] if head else None
            pipe = self._redis.pipeline()
            if replaces_previous(previous, query):
                pipe.lset(key, 0, entry)
            else:
                pipe.lpush(key, entry)
                pipe.ltrim(key, 0, RECENT_SEARCHES_KEPT - 1)
            pipe.expire(key, RECENT_SEARCH_DAYS * 86_400)
            pipe.execute()
        except (redis.RedisError, ValueError, KeyError, TypeError) as exc:
            log.warning("recent search not remembered: %s", exc)

    def of(self, user_id: int) -> list[RecentSearch]:
        try:
            raw = self._redis.lrange(self.key(user_id), 0, RECENT_SEARCHES_KEPT - 1)
        except redis.RedisError as exc:
            log.warning("recent searches unavailable: %s", exc)
            return []
        searches = []
        for entry in raw:
            try:
                data = json.loads(entry)
                ids = tuple(int(i) for i in data["items"])
                searches.append(RecentSearch(str(data["q"]), ids))
            except (ValueError, KeyError, TypeError):
                continue  # a damaged entry costs one signal, not the answer
        return searches


def just_bought(session: Session, user_id: int, since: datetime) -> set[int]:
    """Items in the shopper's orders placed since `since` (cancelled ones too: they chose it)."""
    rows = session.scalars(
        select(OrderLine.item_id)
        .join(Order, Order.id == OrderLine.order_id)
        .where(Order.user_id == user_id, Order.ordered_at >= since)
        .distinct()
    )
    return set(rows)


def bought_items(session: Session, user_id: int, limit: int = 50) -> list[int]:
    """The shopper's most recently ordered items (any time), newest first."""
    rows = session.execute(
        select(OrderLine.item_id, func.max(Order.ordered_at).label("last"))
        .join(Order, Order.id == OrderLine.order_id)
        .where(Order.user_id == user_id)
        .group_by(OrderLine.item_id)
        .order_by(func.max(Order.ordered_at).desc())
        .limit(limit)
    )
    return [row.item_id for row in rows]


def bought_together(session: Session, item_ids: Collection[int], limit: int = 50) -> list[int]:
    """Items bought in the same orders as any of `item_ids`, most often first."""
    if not item_ids:
        return []
    total = func.sum(CoPurchase.orders)
    rows = session.execute(
        select(CoPurchase.other_item_id, total.label("orders"))
        .where(CoPurchase.item_id.in_(list(item_ids)))
        .group_by(CoPurchase.other_item_id)
        .order_by(total.desc(), CoPurchase.other_item_id)
        .limit(limit)
    )
    return [row.other_item_id for row in rows]


def popular_items(session: Session, now: datetime, limit: int = POPULAR_SIZE) -> list[int]:
    """Most units ordered in the last week (not cancelled), in stock; topped up with the
    best-rated items in stock so a new store has something to show."""
    # Units a partial cancel took off were not sold (docs/orders.md).
    units = func.sum(OrderLine.quantity - OrderLine.cancelled_quantity)
    selling = session.scalars(
        select(OrderLine.item_id)
        .join(Order, Order.id == OrderLine.order_id)
        .join(AggregatedStock, AggregatedStock.item_id == OrderLine.item_id)
        .where(
            Order.ordered_at >= now - POPULAR_WINDOW,
            Order.status != OrderStatus.CANCELLED,
            AggregatedStock.stock > 0,
        )
        .group_by(OrderLine.item_id)
        .order_by(units.desc(), OrderLine.item_id)
        .limit(limit)
    ).all()
    if len(selling) >= limit:
        return list(selling)
    best_rated = session.scalars(
        select(Item.id)
        .join(AggregatedStock, AggregatedStock.item_id == Item.id)
        .where(AggregatedStock.stock > 0)
        .order_by(Item.rating.desc().nulls_last(), Item.id)
        .limit(limit)
    ).all()
    return list(dict.fromkeys([*selling, *best_rated]))[:limit]


def item_cards(session: Session, item_ids: Collection[int]) -> dict[int, ItemCard]:
    """Name, price and live stock of each item (unknown ids are left out)."""
    if not item_ids:
        return {}
    rows = session.execute(
        select(Item.id, Item.name, Item.price, Item.category, AggregatedStock.stock, Item.picture)
        .outerjoin(AggregatedStock, AggregatedStock.item_id == Item.id)
        .where(Item.id.in_(list(item_ids)))
    )
    return {
        row.id: ItemCard(row.id, row.name, row.price, row.category, row.stock or 0, row.picture)
        for row in rows
    }
