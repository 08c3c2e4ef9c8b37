"""Searching the catalogue, once for the search page and `GET /api/v1/items`.

A search asks the `Catalogue` port (db/search's SearchService on Typesense; FakeSearch
in tests/web/fakes.py) and, when it is a new search rather than the next page of one,
hands a signed-in shopper's search to recommendations as a signal
(web/recommendations/use_cases.py). Input parsing (`filter=`, prices, cursors) is
db/search/args.py; a bad one raises InvalidSearch (400), an outage SearchUnavailable.
"""

from __future__ import annotations

from typing import Protocol

from db.search import FacetCount, SearchPage, SearchQuery
from db.search.query import SearchRequest


class Catalogue(Protocol):
    def search(self, request: SearchRequest, *, with_facets: bool = False) -> SearchPage: ...

    def facets(self, query: SearchQuery) -> dict[str, list[FacetCount]]: ...


class SearchSignals(Protocol):
    def remember_search(
        self, user_id: int | None, text: str, found: int, item_ids: list[int]
    ) -> None: ...


class CatalogueSearch:
    def __init__(self, catalogue: Catalogue, signals: SearchSignals) -> None:
        self.catalogue = catalogue
        self.signals = signals

    def search(
        self, request: SearchRequest, *, with_facets: bool, user_id: int | None
    ) -> SearchPage:
        page = self.catalogue.search(request, with_facets=with_facets)
        if request.cursor is None:  # the next page of a search is no new signal
            hits = [hit.item_id for hit in page.hits]
            self.signals.remember_search(user_id, page.query.text, page.found, hits)
        return page

    def facets(self, query: SearchQuery) -> dict[str, list[FacetCount]]:
        return self.catalogue.facets(query)
