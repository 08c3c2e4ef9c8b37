"""`Signals` (web/recommendations/use_cases.py) in memory, over the catalogue of
tests/web/catalogue.py: recent searches kept like the Redis list (newest first, the
same rules of domain/recommendations.py), co-purchases and orders set by the test.
Held to StoreSignals by tests/web/test_recommendation_contracts.py."""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass, field
from datetime import datetime

from db.postgres.recommendations import ItemCard
from domain.recommendations import (
    ITEMS_PER_SEARCH,
    RECENT_SEARCHES_KEPT,
    RecentSearch,
    replaces_previous,
)
from tests.web.catalogue import ITEMS


def _cards() -> dict[int, ItemCard]:
    return {
        i.id: ItemCard(i.id, i.name, i.price, i.category, i.total_stock, i.picture) for i in ITEMS
    }


@dataclass
class FakeSignals:
    cards: dict[int, ItemCard] = field(default_factory=_cards)
    searches: dict[int, list[RecentSearch]] = field(default_factory=dict)
    together: dict[int, list[int]] = field(default_factory=dict)  # item -> co-bought, best first
    bought: dict[int, list[int]] = field(default_factory=dict)  # user -> items, latest first
    popular_ids: list[int] = field(default_factory=list)

    def recent_searches(self, user_id: int) -> list[RecentSearch]:
        return list(self.searches.get(user_id, []))

    def remember_search(self, user_id: int, text: str, item_ids: Sequence[int]) -> None:
        kept = self.searches.setdefault(user_id, [])
        if kept and replaces_previous(kept[0].query, text):
            kept.pop(0)
        kept.insert(0, RecentSearch(text.strip()[:200], tuple(item_ids[:ITEMS_PER_SEARCH])))
        del kept[RECENT_SEARCHES_KEPT:]

    def bought_items(self, user_id: int) -> list[int]:
        return list(self.bought.get(user_id, []))

    def bought_together(self, item_ids: Collection[int], limit: int) -> list[int]:
        found: list[int] = []
        for item in item_ids:
            found += [
                i for i in self.together.get(item, []) if i not in found and i not in item_ids
            ]
        return found[:limit]

    def just_bought(self, user_id: int, since: datetime) -> set[int]:
        return set(self.bought.get(user_id, []))

    def popular(self, now: datetime) -> list[int]:
        if self.popular_ids:
            return list(self.popular_ids)
        # Nothing sold yet: the best-rated items in stock (db/postgres/recommendations.py).
        rated = sorted(
            (i for i in ITEMS if i.total_stock > 0), key=lambda i: (-(i.rating or 0), i.id)
        )
        return [i.id for i in rated]

    def item_cards(self, item_ids: Collection[int]) -> dict[int, ItemCard]:
        return {i: self.cards[i] for i in item_ids if i in self.cards}
