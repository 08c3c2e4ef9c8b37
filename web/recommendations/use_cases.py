"""Recommendations, once for the home page's shelf, the item page's "bought together"
and `GET /api/v1/recommendations`; the rules are domain/recommendations.py, the
signals come through the `Signals` port (web/recommendations/adapters.py on Redis and
PostgreSQL; tests/fakes/recommendations.py in memory).

    for_shopper(user_id | None, limit)   picks with their reason (None: popular only)
    for_search(user_id | None, query)    the row beside a search's results (the search page)
    bought_together_with(item_id)        what others bought with it, in stock
    remember_search(user_id, text, found, item_ids)
                                         a signed-in shopper's search becomes a signal
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Protocol

from db.postgres.recommendations import ItemCard
from domain.recommendations import (
    DEFAULT_LIMIT,
    JUST_BOUGHT_DAYS,
    SEARCH_ROW_LIMIT,
    Reason,
    RecentSearch,
    candidates,
    department_of,
    frequently_bought_with,
    recommend,
    recommend_for_search,
    replaces_previous,
    search_worth_remembering,
)

TOGETHER_LIMIT = 4
MAX_ITEM_ID = 2**63 - 1  # items.id is a BIGINT: a larger id has nothing bought with it


class Signals(Protocol):
    def recent_searches(self, user_id: int) -> list[RecentSearch]: ...

    def remember_search(self, user_id: int, text: str, item_ids: Sequence[int]) -> None: ...

    def bought_items(self, user_id: int) -> list[int]: ...

    def bought_together(self, item_ids: Collection[int], limit: int) -> list[int]: ...

    def just_bought(self, user_id: int, since: datetime) -> set[int]: ...

    def popular(self, now: datetime) -> list[int]: ...

    def item_cards(self, item_ids: Collection[int]) -> dict[int, ItemCard]: ...


@dataclass(frozen=True)
class Recommendation:
    item: ItemCard
    reason: Reason
    because: str | None = None  # the search or category the reason names


@dataclass(frozen=True)
class _Known:
    """The signals one recommendation is made from."""

    searches: list[RecentSearch]
    together: list[int]
    bought: set[int]
    popular: list[int]
    cards: dict[int, ItemCard]

    @property
    def in_stock(self) -> set[int]:
        return {item_id for item_id, card in self.cards.items() if card.in_stock}


class Recommendations:
    def __init__(
        self, signals: Signals, clock: Callable[[], datetime] = lambda: datetime.now(UTC)
    ) -> None:
        self.signals = signals
        self._clock = clock

    def for_shopper(self, user_id: int | None, limit: int = DEFAULT_LIMIT) -> list[Recommendation]:
        known = self._signals_for(user_id)
        picks = recommend(
            recent_searches=known.searches,
            bought_together=known.together,
            popular=known.popular,
            just_bought=known.bought,
            in_stock=known.in_stock,
            limit=limit,
        )
        return [Recommendation(known.cards[pick.item_id], pick.reason) for pick in picks]

    def for_search(
        self, user_id: int | None, query: str, limit: int = SEARCH_ROW_LIMIT
    ) -> list[Recommendation]:
        """The row beside a search's results. The search itself was remembered when it
        was made (CatalogueSearch), so its top results are known here without asking
        Typesense again: they name its department and are not repeated in the row."""
        known = self._signals_for(user_id)
        cards, popular = known.cards, known.popular
        this = next((x for x in known.searches if replaces_previous(x.query, query)), None)
        shown = this.item_ids if this else ()
        category = department_of(cards[i].category for i in shown if i in cards)
        picks = recommend_for_search(
            query=query,
            recent_searches=known.searches,
            bought_together=known.together,
            popular_in_category=[
                i for i in popular if i in cards and cards[i].category == category
            ],
            category=category,
            popular=popular,
            just_bought=known.bought,
            shown=shown,
            in_stock=known.in_stock,
            limit=limit,
        )
        return [Recommendation(cards[p.item_id], p.reason, p.because) for p in picks]

    def _signals_for(self, user_id: int | None) -> _Known:
        """What the signals say for this shopper (for anyone signed out: what is popular)."""
        now = self._clock()
        s = self.signals
        searches = s.recent_searches(user_id) if user_id else []
        if user_id:
            together = s.bought_together(s.bought_items(user_id), 50)
            bought = s.just_bought(user_id, now - timedelta(days=JUST_BOUGHT_DAYS))
        else:
            together, bought = [], set()
        popular = s.popular(now)
        cards = s.item_cards(candidates(searches, together, popular))
        return _Known(searches, together, bought, popular, cards)

    def bought_together_with(self, item_id: int, limit: int = TOGETHER_LIMIT) -> list[ItemCard]:
        if not 1 <= item_id <= MAX_ITEM_ID:
            return []
        together = self.signals.bought_together([item_id], limit * 3)
        cards = self.signals.item_cards(together)
        in_stock = {i for i, card in cards.items() if card.in_stock}
        return [cards[i] for i in frequently_bought_with(item_id, together, in_stock, limit)]

    def remember_search(
        self, user_id: int | None, text: str, found: int, item_ids: Sequence[int]
    ) -> None:
        if user_id is None or not search_worth_remembering(text, found):
            return
        self.signals.remember_search(user_id, text, item_ids)
