"""Small honest fakes for the web layer's fast tests: `create_app(settings, services=fakes)`.

What `web/` checks by itself (request validation, error pages, headers, templates and
htmx fragments) does not need PostgreSQL, Redis, Typesense or Temporal. These fakes
stand in for them:

* `FakeSearch`  - the catalogue of tests/web/catalogue.py searched in memory: every
                  word of the text a prefix of a word of the name, brand or category;
                  the filters; the sorts; and the real cursor rules (SearchService's own
                  window code and CursorCodec), so a tampered or foreign cursor is
                  refused exactly as in production; when nothing has every word, words
                  are respelt and dropped as Typesense would (`relaxedQuery`, `didYouMean`).
* `FakeItemReads` (tests/fakes/items.py) - the same catalogue's items and stock.
* `FakeSignals` (tests/fakes/recommendations.py) - recommendations' signals in memory.
* `Untouchable` - PostgreSQL, Redis, Typesense, the payment gateway: any use fails the
                  test with a message
                  that says it belongs with the real-stack tests.

Anything the real parts decide (ranking, typo tolerance, stock, accounts, checkout)
stays in the `integration` tests on the embedded stack.
"""

from __future__ import annotations

import secrets
from typing import Any

from db.search import CursorCodec, SearchPage, SearchService
from db.search.query import SearchQuery, SearchRequest, SortOrder
from db.search.query_match import QueryMatch
from db.search.service import FacetCount, SearchHit
from domain.spelling import closest_word, words_of
from settings import Settings
from tests.web.catalogue import ITEMS
from web.api_tokens import ApiTokens
from web.services import Services

# Random per session, as production's must be (the app refuses short or known secrets).
SECRET = secrets.token_urlsafe(48)


class Untouchable:
    """A service the test promised not to use: any attribute access fails loudly."""

    def __init__(self, name: str) -> None:
        self._name = name

    def __getattr__(self, attribute: str) -> Any:
        raise AssertionError(
            f"this test reached {self._name} (.{attribute}); run it on the real stack "
            "(mark it integration and use the `client` fixture of tests/web/conftest.py)"
        )

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        raise AssertionError(f"this test reached {self._name}; run it on the real stack")

    def dispose(self) -> None:  # Services.close() disposes the engine
        pass

    def close(self) -> None:
        pass


class FakeSearch(SearchService):
    """In-memory search over tests/web/catalogue.py with the real cursor rules."""

    def __init__(self, secret_key: str = SECRET) -> None:  # no super(): no clients at all
        self._cursors = CursorCodec(secret_key)
        self.searches: list[SearchQuery] = []

    def search(self, request: SearchRequest, *, with_facets: bool = False) -> SearchPage:
        query = request.query
        self.searches.append(query)
        offset, limit = self._window(request)  # SearchService's: decodes and checks cursors
        searched, match = _as_typesense_relaxes(query)
        found = _sorted(_matching(searched), query.sort)
        window = found[offset : offset + limit]
        next_cursor = None
        if offset + limit < len(found):
            from db.search.cursor import CursorPosition

            next_cursor = self._cursors.encode(
                CursorPosition(query.fingerprint(), offset + limit, limit)
            )
        return SearchPage(
            query=query,
            hits=[_hit(item) for item in window],
            found=len(found),
            facets=self.facets(query) if with_facets else None,
            limit=limit,
            offset=offset,
            next_cursor=next_cursor,
            match=match,
        )

    def facets(self, query: SearchQuery) -> dict[str, list[FacetCount]]:
        # Like the real counts: a field's own filter does not narrow its own counts.
        def counts(values: list[Any]) -> list[FacetCount]:
            tally: dict[Any, int] = {}
            for value in values:
                tally[value] = tally.get(value, 0) + 1
            ordered = sorted(tally.items(), key=lambda pair: (-pair[1], str(pair[0])))
            return [FacetCount(value, count) for value, count in ordered]

        return {
            "category": counts(
                [i.category for i in _matching(query.model_copy(update={"category": None}))]
            ),
            "brand": counts([i.brand for i in _matching(query.model_copy(update={"brands": ()}))]),
            "in_stock": counts([i.total_stock > 0 for i in _matching(query)]),
        }


def _matching(query: SearchQuery) -> list:
    words = query.text.lower().split()
    found = []
    for item in ITEMS:
        haystack = f"{item.name} {item.brand} {item.category}".lower().split()
        if not all(any(w.startswith(word) for w in haystack) for word in words):
            continue
        if query.category is not None and item.category != query.category:
            continue
        if query.brands and item.brand not in query.brands:
            continue
        if query.min_price is not None and item.price < query.min_price:
            continue
        if query.max_price is not None and item.price > query.max_price:
            continue
        if query.in_stock is not None and (item.total_stock > 0) != query.in_stock:
            continue
        found.append(item)
    return found


def _as_typesense_relaxes(query: SearchQuery) -> tuple[SearchQuery, QueryMatch]:
    """What Typesense does when nothing has every word as typed: respell words from the
    catalogue's own (up to two typos), then drop words from the right until something
    is found. Returns the query searched and how it matched the one asked."""
    words = words_of(query.text)
    if not words or _matching(query):
        return query, QueryMatch()
    vocabulary = sorted(
        {w for item in ITEMS for w in words_of(f"{item.name} {item.brand} {item.category}")}
    )
    known: list[str] = []
    for position, word in enumerate(words):
        last = position == len(words) - 1
        if any(w.startswith(word) if last else w == word for w in vocabulary):
            known.append(word)
        elif (near := closest_word(word, vocabulary, as_prefix=last)) is not None:
            known.append(near)
    for kept in range(len(known), 0, -1):
        searched = query.model_copy(update={"text": " ".join(known[:kept])})
        if _matching(searched):
            respelt = any(word not in words for word in known[:kept])
            return searched, QueryMatch(
                relaxed_query=searched.text if kept < len(words) else None,
                did_you_mean=searched.text if respelt else None,
            )
    return query, QueryMatch()


def _sorted(items: list, sort: SortOrder) -> list:
    if sort is SortOrder.PRICE_ASC:
        return sorted(items, key=lambda i: (i.price, i.id))
    if sort is SortOrder.PRICE_DESC:
        return sorted(items, key=lambda i: (-i.price, i.id))
    # relevance: best rated first; unrated last (0 in the index, db/search/schema.py)
    return sorted(items, key=lambda i: (-(i.rating or 0), i.id))


def _hit(item) -> SearchHit:
    return SearchHit(
        item_id=item.id,
        name=item.name,
        price=item.price,
        brand=item.brand,
        category=item.category,
        rating=item.rating,
        in_stock=item.total_stock > 0,
        review_count=item.review_count,
        picture=item.picture,
    )


def fake_settings() -> Settings:
    """Settings that name services nobody will call (the app never connects to them)."""
    return Settings(
        database_url="postgresql+psycopg://fast-layer@127.0.0.1:9/none",
        redis_url="memory://",  # Flask-Limiter's in-process storage (web/limits.py)
        typesense_url="http://127.0.0.1:9",
        typesense_api_key=secrets.token_urlsafe(48),
        temporal_address=None,
        secret_key=SECRET,
        payload_encryption_keys=(secrets.token_urlsafe(48),),
        vault_keys=(secrets.token_urlsafe(48),),
    )


def fake_services(
    settings: Settings, search: FakeSearch | None = None, warehouses: Any = None, items: Any = None
) -> Services:
    """`warehouses`: a WarehousePortal on fakes (tests/fakes/warehouses.py), else untouchable;
    `items`: the catalogue's items in memory (tests/fakes/items.py) unless given."""
    from tests.fakes.items import FakeItemReads
    from tests.fakes.media import FakeMediaLibrary
    from tests.fakes.recommendations import FakeSignals
    from web.recommendations.use_cases import Recommendations

    search = search or FakeSearch(settings.secret_key)
    recommendations = Recommendations(FakeSignals())

    return Services(
        settings=settings,
        engine=Untouchable("PostgreSQL"),  # type: ignore[arg-type]
        sessions=Untouchable("PostgreSQL"),  # type: ignore[arg-type]
        redis=Untouchable("Redis"),  # type: ignore[arg-type]
        typesense=Untouchable("Typesense"),  # type: ignore[arg-type]
        search=search,
        tokens=ApiTokens(settings.secret_key, settings.api_token_ttl_seconds),
        payments=Untouchable("the payment gateway"),  # type: ignore[arg-type]
        temporal=None,
        warehouses=warehouses or Untouchable("the warehouse portal's ports"),
        items=items or FakeItemReads(),
        media=FakeMediaLibrary(),
        recommendations=recommendations,
        # The ports of cart, orders and the address book: tests/fakes/shop.py passes
        # in-memory fakes; a test that did not ask for them must not reach them.
        carts=Untouchable("the cart store"),  # type: ignore[arg-type]
        cart_items=Untouchable("the item reads"),  # type: ignore[arg-type]
        orders=Untouchable("the order reads"),  # type: ignore[arg-type]
        order_client=Untouchable("the order workflow"),  # type: ignore[arg-type]
        addresses=Untouchable("the address book"),  # type: ignore[arg-type]
        reviews=Untouchable("the reviews"),  # type: ignore[arg-type]
        accounts=Untouchable("the accounts"),  # type: ignore[arg-type]
        browser_sessions=Untouchable("the browser sessions"),  # type: ignore[arg-type]
        staff_orders=Untouchable("the order desk's reads"),  # type: ignore[arg-type]
        staff_cancel=Untouchable("the order desk's cancel"),  # type: ignore[arg-type]
    )
