"""A search answered on the event loop: Typesense and the live-stock overlay awaited,
no worker thread (docs/benchmarks.md, "on the event loop").

The page is the one SearchService builds (db/search/service.py): the same window and
cursor checks, request bodies, parsing, overlay and next cursor; only the two calls are
awaited (db/search/async_multi_search.py, db/search/async_stock_overlay.py). It serves a
search that would not look in the cache (SEARCH_CACHE_TTL_SECONDS=0, or Redis set aside
after a failure); a cached search stays on SearchService, in a worker thread.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from db.search.async_multi_search import AsyncMultiSearch
from db.search.async_stock_overlay import AsyncLiveStock
from db.search.multi_search import SearchEngineUnreachable
from db.search.query import SearchRequest
from db.search.service import (
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


class AsyncSearch:
    def __init__(
        self,
        service: SearchService,
        multi_search: AsyncMultiSearch,
        live_stock: AsyncLiveStock | None,
    ) -> None:
        self._service = service
        self._multi_search = multi_search
        # The overlay only where the threaded search has one.
        self._live_stock = live_stock if service.overlays_stock else None

    def serves_now(self) -> bool:
        """Whether this search would skip the cache: only then is it answered here."""
        return not self._service.caches

    async def search(self, request: SearchRequest, *, with_facets: bool) -> SearchPage:
        query = request.query
        offset, limit = self._service.window(request)
        raw = await self._ask(
            self._service.hits_body(query, offset, limit), lambda answer: parse_hits(answer, query)
        )
        hits = [hit_of(document) for document in raw.hits]
        if self._live_stock is not None:
            stock = await self._live_stock.stock_of([hit.item_id for hit in hits])
            hits = lay_over(hits, stock, query.in_stock)
        facets: dict[str, list[FacetCount]] | None = None
        if with_facets:
            raw_facets = await self._ask(
                self._service.facets_body(query), lambda answer: parse_facets(answer, query)
            )
            facets = facet_counts(raw_facets)
        return self._service.page_of(query, offset, limit, raw, hits, facets, "off")

    async def _ask(self, body: dict[str, Any], parse: Callable[[dict[str, Any]], T]) -> T:
        try:
            return parse(await self._multi_search.perform(body))
        except (TypesenseSearchError, SearchEngineUnreachable) as exc:
            raise unavailable(exc) from exc
