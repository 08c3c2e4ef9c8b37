"""Search, the read side: validated request in, one page of results and a cursor out.

Flow: check the cursor belongs to this search -> look in the Redis cache (keyed by
catalogue version + search fingerprint + window) -> on a miss, one Typesense
multi_search -> cache it -> sign the next cursor. Stock is not part of what is
cached beyond the `in_stock` flag Typesense already holds; live stock is read from
PostgreSQL by the item page.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from typing import Any, Literal

import httpx
import typesense
from typesense.exceptions import TypesenseClientError

from db.cache import JsonCache
from db.search.catalog_version import CatalogVersion
from db.search.cursor import CursorCodec, CursorPosition, InvalidCursor
from db.search.query import DEFAULT_LIMIT, SearchQuery, SearchRequest
from db.search.typesense_request import (
    RawPage,
    TypesenseSearchError,
    multi_search_body,
    parse_multi_search,
)

log = logging.getLogger(__name__)

CacheOutcome = Literal["hit", "miss", "off"]


class SearchUnavailable(RuntimeError):
    """Typesense could not answer; pages say so, the API answers 503."""


@dataclass(frozen=True)
class SearchHit:
    item_id: int
    name: str
    price: int  # cents
    brand: str
    category: str
    rating: float
    in_stock: bool


@dataclass(frozen=True)
class FacetCount:
    value: str | bool
    count: int


@dataclass(frozen=True)
class SearchPage:
    query: SearchQuery
    hits: list[SearchHit]
    found: int
    facets: dict[str, list[FacetCount]]  # keys: category, brand, in_stock
    limit: int
    offset: int
    next_cursor: str | None
    cache: CacheOutcome = field(default="off", compare=False)


class SearchService:
    def __init__(
        self,
        *,
        typesense_client: typesense.Client,
        collection: str,
        cache: JsonCache,
        catalog_version: CatalogVersion,
        cursors: CursorCodec,
    ) -> None:
        self._typesense = typesense_client
        self._collection = collection
        self._cache = cache
        self._catalog_version = catalog_version
        self._cursors = cursors

    def search(self, request: SearchRequest) -> SearchPage:
        query = request.query
        offset, limit = self._window(request)
        raw, outcome = self._cached_or_fresh(query, offset, limit)
        next_cursor = None
        if offset + limit < raw.found and len(raw.hits) == limit:
            next_cursor = self._cursors.encode(
                CursorPosition(query.fingerprint(), offset + limit, limit)
            )
        return SearchPage(
            query=query,
            hits=[_hit(document) for document in raw.hits],
            found=raw.found,
            facets={
                name: [FacetCount(entry["value"], entry["count"]) for entry in counts]
                for name, counts in raw.facets.items()
            },
            limit=limit,
            offset=offset,
            next_cursor=next_cursor,
            cache=outcome,
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

    def _cached_or_fresh(
        self, query: SearchQuery, offset: int, limit: int
    ) -> tuple[RawPage, CacheOutcome]:
        version = self._catalog_version.current() if self._cache.enabled else None
        if version is None:
            return self._ask_typesense(query, offset, limit), "off"
        # The alias name too: two stores (or test runs) may share one Redis.
        key = f"{self._collection}:v{version}:{query.fingerprint()}:{offset}:{limit}"
        cached = self._cache.get(key)
        if cached is not None:
            return RawPage.from_json(cached), "hit"
        raw = self._ask_typesense(query, offset, limit)
        if not self._cache.enabled:  # Redis just failed: nothing to store it in
            return raw, "off"
        self._cache.set(key, raw.to_json())
        return raw, "miss"

    def _ask_typesense(self, query: SearchQuery, offset: int, limit: int) -> RawPage:
        body = multi_search_body(self._collection, query, page=offset // limit + 1, per_page=limit)
        try:
            response = self._typesense.multi_search.perform(body, {})
            return parse_multi_search(response, query)
        except TypesenseSearchError as exc:
            # 404: the alias does not exist (no catalogue loaded yet); 400: a bug here.
            log.error("Typesense rejected a search (status %s): %s", exc.status, exc)
            raise SearchUnavailable(str(exc)) from exc
        except (TypesenseClientError, httpx.HTTPError) as exc:
            log.warning("Typesense unavailable: %s: %s", exc.__class__.__name__, exc)
            raise SearchUnavailable(str(exc)) from exc


def _hit(document: dict[str, Any]) -> SearchHit:
    return SearchHit(
        item_id=int(document["item_id"]),
        name=document["name"],
        price=int(document["price"]),
        brand=document["brand"],
        category=document["category"],
        rating=float(document["rating"]),
        in_stock=bool(document.get("in_stock", False)),
    )
