"""Search, the read side: validated request in, one page of results and a cursor out.

Flow: check the cursor belongs to this search -> look in the Redis cache (keyed by
catalogue version + search fingerprint + window) -> on a miss, one Typesense
search -> cache it -> sign the next cursor -> lay live stock over the hits
(db/search/stock_overlay.py), so neither the cache nor a lagging index shows a sold-out
item as in stock. Facet counts are a second, separate lookup (`facets`, or
`search(..., with_facets=True)`), cached under the search's text and filters alone:
the sort and the page never change them, and the browser asks for them only once
typing pauses.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Literal, NamedTuple, TypeVar

from db.redis.json_cache import JsonCache
from db.search.catalog_version import CatalogVersion
from db.search.cursor import CursorCodec, CursorPosition, InvalidCursor
from db.search.multi_search import MultiSearch, SearchEngineUnreachable
from db.search.query import DEFAULT_LIMIT, SearchQuery, SearchRequest
from db.search.query_match import EXACT, QueryMatch
from db.search.schema import hit_rating
from db.search.stock_overlay import LiveStockOverlay
from db.search.typesense_request import (
    RawFacets,
    RawPage,
    TypesenseSearchError,
    facets_search_body,
    hits_search_body,
    parse_facets,
    parse_hits,
)

log = logging.getLogger(__name__)

CacheOutcome = Literal["hit", "miss", "off"]
T = TypeVar("T", RawPage, RawFacets)


class SearchUnavailable(RuntimeError):
    """Typesense could not answer; pages say so, the API answers 503."""


class SearchHit(NamedTuple):
    """One card of a page of hits. A named tuple rather than a frozen dataclass: every
    search makes twenty, and a frozen dataclass's __init__ (one object.__setattr__ per
    field) took 4.0 µs a hit against 1.7 µs (docs/benchmarks.md). Immutable either way."""

    item_id: int
    name: str
    price: int  # cents
    brand: str
    category: str
    rating: float | None  # the average of its reviews; None without any
    in_stock: bool
    picture: str | None = None  # the picture's hash (docs/media.md)
    review_count: int = 0


@dataclass(frozen=True)
class FacetCount:
    value: str | bool
    count: int


@dataclass(frozen=True)
class SearchPage:
    query: SearchQuery
    hits: list[SearchHit]
    found: int
    # keys: category, brand, in_stock; None when the caller did not ask for counts
    facets: dict[str, list[FacetCount]] | None
    limit: int
    offset: int
    next_cursor: str | None
    cache: CacheOutcome = field(default="off", compare=False)
    # Whether the hits met the query as typed (db/search/query_match.py).
    match: QueryMatch = EXACT


class SearchService:
    def __init__(
        self,
        *,
        multi_search: MultiSearch,
        collection: str,
        cache: JsonCache,
        catalog_version: CatalogVersion,
        cursors: CursorCodec,
        live_stock: LiveStockOverlay | None = None,
        in_stock_flips_key: str | None = None,
    ) -> None:
        self._multi_search = multi_search
        self._collection = collection
        self._cache = cache
        self._catalog_version = catalog_version
        self._cursors = cursors
        self._live_stock = live_stock
        self._flips_key = in_stock_flips_key

    def search(self, request: SearchRequest, *, with_facets: bool = False) -> SearchPage:
        query = request.query
        offset, limit = self._window(request)
        body = self.hits_body(query, offset, limit)
        cached, outcome = self._cached_or_fresh(
            self.hits_cache_key(query, offset, limit),
            lambda: self._ask(body, lambda response: parse_hits(response, query)).to_json(),
            stamp_key=self.stamp_key_of(query),
        )
        raw = RawPage.from_json(cached)
        hits = [hit_of(document) for document in raw.hits]
        if self._live_stock is not None:
            hits = self._live_stock.apply(hits, query.in_stock)
        facets = self.facets(query) if with_facets else None
        return self.page_of(query, offset, limit, raw, hits, facets, outcome)

    # The pieces of `search` that the event loop's search (db/search/async_search.py)
    # shares, so both build the same page.
    @property
    def caches(self) -> bool:
        """Whether a search now would look in the cache (else: Typesense and stock only)."""
        return self._cache.enabled

    @property
    def cache(self) -> JsonCache:
        return self._cache

    def cache_version_known(self) -> tuple[bool, int | None]:
        """The catalogue version for the cache keys, if known without a database read."""
        return self._catalog_version.known()

    def cache_key(self, version: int, key: str) -> str:
        # The alias name too: two stores (or test runs) may share one Redis.
        return f"{self._collection}:v{version}:{key}"

    def hits_cache_key(self, query: SearchQuery, offset: int, limit: int) -> str:
        return f"{query.fingerprint()}:{offset}:{limit}"

    def facets_cache_key(self, query: SearchQuery) -> str:
        return f"facets:{query.facets_fingerprint()}"

    def stamp_key_of(self, query: SearchQuery) -> str | None:
        """The counter a cached page of this query is stamped with: which items an
        in-stock filter lets through changes with every flip."""
        return self._flips_key if query.in_stock is not None else None

    @property
    def overlays_stock(self) -> bool:
        return self._live_stock is not None

    def window(self, request: SearchRequest) -> tuple[int, int]:
        return self._window(request)

    def hits_body(self, query: SearchQuery, offset: int, limit: int) -> dict[str, Any]:
        return hits_search_body(self._collection, query, page=offset // limit + 1, per_page=limit)

    def facets_body(self, query: SearchQuery) -> dict[str, Any]:
        return facets_search_body(self._collection, query)

    def page_of(
        self,
        query: SearchQuery,
        offset: int,
        limit: int,
        raw: RawPage,
        hits: list[SearchHit],
        facets: dict[str, list[FacetCount]] | None,
        outcome: CacheOutcome,
    ) -> SearchPage:
        next_cursor = None
        if offset + limit < raw.found and len(raw.hits) == limit:
            next_cursor = self._cursors.encode(
                CursorPosition(query.fingerprint(), offset + limit, limit)
            )
        return SearchPage(
            query=query,
            hits=hits,
            found=raw.found,
            facets=facets,
            limit=limit,
            offset=offset,
            next_cursor=next_cursor,
            cache=outcome,
            match=raw.match,
        )

    def _window(self, request: SearchRequest) -> tuple[int, int]:
        if request.cursor is None:
            return 0, request.limit or DEFAULT_LIMIT
        position = self._cursors.decode(request.cursor)
        if position.fingerprint != request.query.fingerprint():
            raise InvalidCursor(
                "nextCursor belongs to a different search (query, filters or sort changed); "
                "start again without it."
            )
        if request.limit is not None and request.limit != position.limit:
            raise InvalidCursor(
                f"limit must stay {position.limit} while following nextCursor "
                f"(got {request.limit}); leave it out or start again."
            )
        return position.offset, position.limit

    def facets(self, query: SearchQuery) -> dict[str, list[FacetCount]]:
        """Facet counts for the query's text and filters (the sort plays no part)."""
        body = self.facets_body(query)
        raw, _ = self._cached_or_fresh(
            self.facets_cache_key(query),
            lambda: self._ask(body, lambda response: parse_facets(response, query)),
        )
        return facet_counts(raw)

    def _cached_or_fresh(
        self, key: str, fresh: Callable[[], Any], *, stamp_key: str | None = None
    ) -> tuple[Any, CacheOutcome]:
        """The JSON value cached under `key` for this catalogue version, or `fresh()`.

        With `stamp_key` (the relay's count of in-stock flips, docs/live-stock.md) a
        value cached before the latest flip is a miss: the live-stock overlay can take a
        sold-out hit off a page but cannot add back an item that was left out of it."""
        version = self._catalog_version.current() if self._cache.enabled else None
        if version is None:
            return fresh(), "off"
        key = self.cache_key(version, key)
        if stamp_key is None:
            cached, stamp = self._cache.get(key), None
        else:
            cached, stamp = self._cache.get_stamped(key, stamp_key)
        if cached is not None:
            return cached, "hit"
        value = fresh()
        if not self._cache.enabled:  # Redis just failed: nothing to store it in
            return value, "off"
        if stamp_key is None:
            self._cache.set(key, value)
        elif stamp is not None:
            self._cache.set_stamped(key, value, stamp)
        return value, "miss"

    def _ask(self, body: dict[str, Any], parse: Callable[[dict[str, Any]], T]) -> T:
        try:
            return parse(self._multi_search.perform(body))
        except (TypesenseSearchError, SearchEngineUnreachable) as exc:
            raise unavailable(exc) from exc


def unavailable(exc: TypesenseSearchError | SearchEngineUnreachable) -> SearchUnavailable:
    """The search call's failure, logged, as the refusal pages and the API give."""
    if isinstance(exc, TypesenseSearchError):
        # 404: the alias does not exist (no catalogue loaded yet); 400: a bug here.
        log.error("Typesense rejected a search (status %s): %s", exc.status, exc)
    else:
        log.warning("Typesense unavailable: %s", exc)
    return SearchUnavailable(str(exc))


def facet_counts(raw: RawFacets) -> dict[str, list[FacetCount]]:
    return {
        name: [FacetCount(entry["value"], entry["count"]) for entry in counts]
        for name, counts in raw.items()
    }


def hit_of(document: dict[str, Any]) -> SearchHit:
    rating, review_count = hit_rating(document)
    # Positional, in the field order (keywords cost a third more, twenty times a search).
    return SearchHit(
        int(document["item_id"]),  # item_id
        document["name"],
        int(document["price"]),
        document["brand"],
        document["category"],
        rating,
        bool(document.get("in_stock", False)),  # in_stock
        document.get("picture"),
        review_count,
    )
