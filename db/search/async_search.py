"""A search answered on the event loop: the cache, Typesense and the live-stock overlay
awaited, no worker thread (docs/benchmarks.md, "on the event loop").

The page is the one SearchService builds (db/search/service.py): the same window and
cursor checks, cache keys and stamps, request bodies, parsing, overlay and next cursor;
only the calls are awaited (db/redis/async_json_cache.py, db/search/async_multi_search.py,
db/search/async_stock_overlay.py). The one thing it never does is read the catalogue
version from PostgreSQL (a blocking read, which a dead database would make a stall of
the whole loop): while the version the service remembers is stale, `serves_now` says
no and that search goes to SearchService in a worker thread, which refreshes it.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any, TypeVar

from db.redis.async_json_cache import AsyncJsonCache
from db.search.async_multi_search import AsyncMultiSearch
from db.search.async_stock_overlay import AsyncLiveStock
from db.search.multi_search import SearchEngineUnreachable
from db.search.query import SearchQuery, SearchRequest
from db.search.service import (
    CacheOutcome,
    FacetCount,
    SearchPage,
    SearchService,
    facet_counts,
    hit_of,
    unavailable,
)
from db.search.stock_overlay import lay_over
from db.search.typesense_request import (
    RawFacets,
    RawPage,
    TypesenseSearchError,
    parse_facets,
    parse_hits,
)

T = TypeVar("T", RawPage, RawFacets)
V = TypeVar("V")


class AsyncSearch:
    def __init__(
        self,
        service: SearchService,
        multi_search: AsyncMultiSearch,
        live_stock: AsyncLiveStock | None,
        cache: AsyncJsonCache | None = None,
    ) -> None:
        self._service = service
        self._multi_search = multi_search
        self._cache = cache
        # The overlay only where the threaded search has one.
        self._live_stock = live_stock if service.overlays_stock else None

    def serves_now(self) -> bool:
        """Whether this search can be answered here now: the cache off, or on with the
        catalogue version known without asking PostgreSQL."""
        if not self._service.caches:
            return True
        return self._cache is not None and self._service.cache_version_known()[0]

    async def search(self, request: SearchRequest, *, with_facets: bool) -> SearchPage:
        query = request.query
        offset, limit = self._service.window(request)
        body = self._service.hits_body(query, offset, limit)
        version = self._cache_version()
        if version is None:
            raw = await self._ask(body, lambda answer: parse_hits(answer, query))
            outcome: CacheOutcome = "off"
        else:

            async def fresh() -> Any:
                return (await self._ask(body, lambda answer: parse_hits(answer, query))).to_json()

            cached, outcome = await self._cached_or_fresh(
                self._service.cache_key(
                    version, self._service.hits_cache_key(query, offset, limit)
                ),
                fresh,
                stamp_key=self._service.stamp_key_of(query),
            )
            raw = RawPage.from_json(cached)
        hits = [hit_of(document) for document in raw.hits]
        if self._live_stock is not None:
            stock = await self._live_stock.stock_of([hit.item_id for hit in hits])
            hits = lay_over(hits, stock, query.in_stock)
        facets: dict[str, list[FacetCount]] | None = None
        if with_facets:
            facets = facet_counts(await self._facets(query, version))
        return self._service.page_of(query, offset, limit, raw, hits, facets, outcome)

    async def _facets(self, query: SearchQuery, version: int | None) -> RawFacets:
        body = self._service.facets_body(query)
        if version is None:
            return await self._ask(body, lambda answer: parse_facets(answer, query))

        async def fresh() -> RawFacets:
            return await self._ask(body, lambda answer: parse_facets(answer, query))

        raw, _ = await self._cached_or_fresh(
            self._service.cache_key(version, self._service.facets_cache_key(query)), fresh
        )
        return raw

    def _cache_version(self) -> int | None:
        """The version to key the cache with, or None: search uncached (the cache off,
        no version in PostgreSQL, or, between `serves_now` and here, gone stale)."""
        if self._cache is None or not self._cache.enabled:
            return None
        return self._service.cache_version_known()[1]

    async def _cached_or_fresh(
        self, key: str, fresh: Callable[[], Awaitable[V]], *, stamp_key: str | None = None
    ) -> tuple[V, CacheOutcome]:
        """SearchService._cached_or_fresh, awaited: a value stamped with the in-stock
        flips counter is a miss once the counter has moved."""
        assert self._cache is not None
        if stamp_key is None:
            cached, stamp = await self._cache.get(key), None
        else:
            cached, stamp = await self._cache.get_stamped(key, stamp_key)
        if cached is not None:
            return cached, "hit"
        value = await fresh()
        if not self._cache.enabled:  # Redis just failed: nothing to store it in
            return value, "off"
        if stamp_key is None:
            await self._cache.set(key, value)
        elif stamp is not None:
            await self._cache.set_stamped(key, value, stamp)
        return value, "miss"

    async def _ask(self, body: dict[str, Any], parse: Callable[[dict[str, Any]], T]) -> T:
        try:
            return parse(await self._multi_search.perform(body))
        except (TypesenseSearchError, SearchEngineUnreachable) as exc:
            raise unavailable(exc) from exc
