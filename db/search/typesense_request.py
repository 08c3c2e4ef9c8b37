"""Translate a `SearchQuery` into Typesense 0.24 searches, and Typesense's answer back.

One `multi_search` round trip carries the page of hits plus, for every facet the
shopper has already filtered on, a hits-free search without that filter, so the
sidebar can still show the brands or categories they could switch to
("disjunctive" facets). Typesense 0.24 silently ignores parameters it does not
know, so only parameters documented for 0.24 appear here.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from db.search.filters import DISJUNCTIVE_FACETS, filter_by
from db.search.query import SearchQuery, SortOrder
from db.search_schema import SEARCH_FIELDS

# Name matters most, then brand, then the long description.
QUERY_BY_WEIGHTS = "4,2,1"
FACET_FIELDS = "category,brand,in_stock"
MAX_FACET_VALUES = 30
RESULT_FIELDS = "item_id,name,price,brand,category,rating,in_stock"

# Every order ends in item_id so ties are broken the same way on every page:
# that is what makes page-number cursors visit each match exactly once.
# (Typesense allows at most three sort fields.)
_SORTS_WITH_TEXT = {
    SortOrder.RELEVANCE: "_text_match:desc,rating:desc,item_id:asc",
    SortOrder.PRICE_ASC: "price:asc,item_id:asc",
    SortOrder.PRICE_DESC: "price:desc,item_id:asc",
    SortOrder.RATING: "rating:desc,_text_match:desc,item_id:asc",
}
_SORTS_WITHOUT_TEXT = {
    **_SORTS_WITH_TEXT,
    SortOrder.RELEVANCE: "rating:desc,item_id:asc",
    SortOrder.RATING: "rating:desc,item_id:asc",
}


def sort_by(query: SearchQuery) -> str:
    return (_SORTS_WITH_TEXT if query.has_text else _SORTS_WITHOUT_TEXT)[query.sort]


def _text_params(query: SearchQuery) -> dict[str, Any]:
    return {
        "q": query.text if query.has_text else "*",
        "query_by": SEARCH_FIELDS,
        "query_by_weights": QUERY_BY_WEIGHTS,
        "num_typos": 2,  # "wireles headphnes" still finds wireless headphones
        "prefix": "true",  # search-as-you-type: the last word may be unfinished
    }


def multi_search_body(
    collection: str, query: SearchQuery, *, page: int, per_page: int
) -> dict[str, list[dict[str, Any]]]:
    main = {
        "collection": collection,
        **_text_params(query),
        "sort_by": sort_by(query),
        "facet_by": FACET_FIELDS,
        "max_facet_values": MAX_FACET_VALUES,
        "page": page,
        "per_page": per_page,
        "include_fields": RESULT_FIELDS,
        "highlight_fields": "none",
    }
    main_filter = filter_by(query)
    if main_filter:
        main["filter_by"] = main_filter
    searches = [main]
    for field in facets_needing_own_search(query):
        facet_search = {
            "collection": collection,
            **_text_params(query),
            "facet_by": field,
            "max_facet_values": MAX_FACET_VALUES,
            "per_page": 0,
        }
        facet_filter = filter_by(query, leave_out=field)
        if facet_filter:
            facet_search["filter_by"] = facet_filter
        searches.append(facet_search)
    return {"searches": searches}


def facets_needing_own_search(query: SearchQuery) -> list[str]:
    active = {"category": bool(query.category), "brand": bool(query.brands)}
    return [field for field in DISJUNCTIVE_FACETS if active[field]]


class TypesenseSearchError(RuntimeError):
    def __init__(self, message: str, status: int | None) -> None:
        super().__init__(message)
        self.status = status


@dataclass(frozen=True)
class RawPage:
    """The parts of Typesense's answer we keep; plain JSON so it can be cached as is."""

    hits: list[dict[str, Any]]
    found: int
    facets: dict[str, list[dict[str, Any]]]

    def to_json(self) -> dict[str, Any]:
        return {"hits": self.hits, "found": self.found, "facets": self.facets}

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> RawPage:
        return cls(hits=data["hits"], found=data["found"], facets=data["facets"])


def parse_multi_search(response: dict[str, Any], query: SearchQuery) -> RawPage:
    results = response.get("results") or []
    # multi_search answers 200 even when one search failed; the error is inside.
    for result in results:
        if "error" in result:
            raise TypesenseSearchError(str(result["error"]), result.get("code"))
    if not results:
        raise TypesenseSearchError("multi_search returned no results", None)
    main, extra = results[0], results[1:]
    facets = _facet_counts(main)
    for field, result in zip(facets_needing_own_search(query), extra, strict=True):
        facets[field] = _facet_counts(result).get(field, [])
    hits = [hit["document"] for hit in main.get("hits", [])]
    return RawPage(hits=hits, found=int(main.get("found", 0)), facets=facets)


def _facet_counts(result: dict[str, Any]) -> dict[str, list[dict[str, Any]]]:
    facets: dict[str, list[dict[str, Any]]] = {}
    for facet in result.get("facet_counts", []):
        field = facet["field_name"]
        counts = []
        for entry in facet.get("counts", []):
            value: Any = entry["value"]
            if field == "in_stock":
                value = value == "true"  # Typesense reports bool facets as strings
            counts.append({"value": value, "count": int(entry["count"])})
        facets[field] = counts
    return facets
