"""Recommendations in the browser: the home page's "Recommended for you" / "Popular right
now" and the item page's "Frequently bought together", each an htmx partial loaded after
its page so the page (and the search bar) never waits for it. The API is
web/recommendations/api.py; the rules are domain/recommendations.py.

    GET /recommendations                 the home page's shelf (fragment for htmx)
    GET /items/<id>/bought-together      the item page's shelf (fragment for htmx)
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from flask import Blueprint, Response

from db.postgres.recommendations import (
    POPULAR_CACHE_SECONDS,
    ItemCard,
    RecentSearches,
    bought_items,
    bought_together,
    item_cards,
    just_bought,
    popular_items,
)
from db.redis.json_cache import JsonCache
from domain.recommendations import (
    DEFAULT_LIMIT,
    JUST_BOUGHT_DAYS,
    Reason,
    candidates,
    frequently_bought_with,
    recommend,
)
from web.current_user import current_user
from web.headers import PRIVATE
from web.item_reads import MAX_ITEM_ID
from web.recent_searches import store_key
from web.rendering import render
from web.services import services

bp = Blueprint("recommendations", __name__)

TOGETHER_LIMIT = 4


@dataclass(frozen=True)
class Recommendation:
    item: ItemCard
    reason: Reason


def recommendations_for(user_id: int | None, limit: int = DEFAULT_LIMIT) -> list[Recommendation]:
    """Picks for a shopper (None: anonymous), from Redis and PostgreSQL only."""
    now = datetime.now(UTC)
    searches = RecentSearches(services().redis, store_key()).of(user_id) if user_id else []
    with services().sessions() as session:
        if user_id:
            together = bought_together(session, bought_items(session, user_id))
            bought = just_bought(session, user_id, now - timedelta(days=JUST_BOUGHT_DAYS))
        else:
            together, bought = [], set()
        popular = _popular(session, now)
        cards = item_cards(session, candidates(searches, together, popular))
    picks = recommend(
        recent_searches=searches,
        bought_together=together,
        popular=popular,
        just_bought=bought,
        in_stock={item_id for item_id, card in cards.items() if card.in_stock},
        limit=limit,
    )
    return [Recommendation(cards[pick.item_id], pick.reason) for pick in picks]


def frequently_bought_together(item_id: int, limit: int = TOGETHER_LIMIT) -> list[ItemCard]:
    if not 1 <= item_id <= MAX_ITEM_ID:
        return []
    with services().sessions() as session:
        together = bought_together(session, [item_id], limit=limit * 3)
        cards = item_cards(session, together)
    in_stock = {i for i, card in cards.items() if card.in_stock}
    return [cards[i] for i in frequently_bought_with(item_id, together, in_stock, limit)]


def _popular(session, now: datetime) -> list[int]:
    cache = JsonCache(services().redis, namespace="recs", ttl_seconds=POPULAR_CACHE_SECONDS)
    key = f"{store_key()}:popular"
    cached = cache.get(key)
    if isinstance(cached, list):
        return [int(i) for i in cached]
    popular = popular_items(session, now)
    cache.set(key, popular)
    return popular


@bp.get("/recommendations")
def shelf() -> Response:
    user = current_user()
    picks = recommendations_for(user.id if user else None)
    personal = any(pick.reason is not Reason.POPULAR for pick in picks)
    response = render(
        "recommendations/index.html",
        "recommendations/partials/shelf.html",
        picks=picks,
        personal=personal,
    )
    response.headers["Cache-Control"] = PRIVATE  # it is about this shopper
    return response


@bp.get("/items/<int:item_id>/bought-together")
def together(item_id: int) -> Response:
    response = render(
        "recommendations/together.html",
        "recommendations/partials/together.html",
        item_id=item_id,
        items=frequently_bought_together(item_id),
    )
    response.headers["Cache-Control"] = "public, max-age=60"
    return response
