"""The real `Signals` (web/recommendations/use_cases.py): recent searches in Redis,
co-purchases, orders and item cards in PostgreSQL, the popular list cached in Redis
(db/postgres/recommendations.py). Held to its fake by tests/web/test_recommendation_contracts.py."""

from __future__ import annotations

import hashlib
from collections.abc import Collection, Sequence
from datetime import datetime

import redis
from sqlalchemy.orm import Session, sessionmaker

from db.postgres import recommendations as signals
from db.redis.json_cache import JsonCache
from domain.recommendations import RecentSearch


class StoreSignals:
    def __init__(
        self, sessions: sessionmaker[Session], client: redis.Redis, database_url: str
    ) -> None:
        self._sessions = sessions
        # Which database the ids in Redis belong to (one Redis may serve several).
        store = hashlib.sha256(database_url.encode()).hexdigest()[:10]
        self._searches = signals.RecentSearches(client, store)
        self._cache = JsonCache(client, namespace="recs", ttl_seconds=signals.POPULAR_CACHE_SECONDS)
        self._popular_key = f"{store}:popular"

    def recent_searches(self, user_id: int) -> list[RecentSearch]:
        return self._searches.of(user_id)

    def remember_search(self, user_id: int, text: str, item_ids: Sequence[int]) -> None:
        self._searches.remember(user_id, text, item_ids)

    def bought_items(self, user_id: int) -> list[int]:
        with self._sessions() as session:
            return signals.bought_items(session, user_id)

    def bought_together(self, item_ids: Collection[int], limit: int) -> list[int]:
        with self._sessions() as session:
            return signals.bought_together(session, item_ids, limit=limit)

    def just_bought(self, user_id: int, since: datetime) -> set[int]:
        with self._sessions() as session:
            return signals.just_bought(session, user_id, since)

    def popular(self, now: datetime) -> list[int]:
        cached = self._cache.get(self._popular_key)
        if isinstance(cached, list):
            return [int(i) for i in cached]
        with self._sessions() as session:
            popular = signals.popular_items(session, now)
        self._cache.set(self._popular_key, popular)
        return popular

    def item_cards(self, item_ids: Collection[int]) -> dict[int, signals.ItemCard]:
        with self._sessions() as session:
            return signals.item_cards(session, item_ids)
