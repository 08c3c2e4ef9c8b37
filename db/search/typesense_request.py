"""Translate a `SearchQuery` into Typesense 0.24 searches, and Typesense's answer back.

Hits and facet counts are asked for separately, because counting facets over every
match is the most expensive part of a search (measured at 1M items: see
docs/benchmarks.md) and a shopper typing needs the hits at every keystroke but the
counts only once the typing pauses:

* `hits_search_body`: one search for the page of hits, no facets.
* `facets_search_body`: one `multi_search` with hits-free searches: the counts for
  the query as filtered, plus, for every facet the shopper has already filtered on,
  a search without that filter, so the sidebar can still show the brands or
  categories they could switch to ("disjunctive" facets). Counts do not depend on
  the sort or the page, so they are cached apart from the hits.

Typesense 0.24 silently ignores parameters it does not know, so only parameters
documented for 0.24 appear here.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from db.search.filters import DISJUNCTIVE_FACETS, filter_by
from db.search.query import SearchQuery, SortOrder
from db.search.query_match import EXACT, QueryMatch, query_match
from db.search.schema import SEARCH_FIELDS

# Per field, in SEARCH_FIELDS order (title, brand, description): what the item is
# matters most, then who makes it, then the long description. Title above brand is
# what ranks a kettle above a coffee maker of the brand "Kettle & Co." (docs/search.md,
# "Relevance"; tests/web/test_search_relevance.py fails without it).
QUERY_BY_WEIGHTS = "4,2,1"
FACET_FIELDS = "category,brand,in_stock"
MAX_FACET_VALUES = 30
RESULT_FIELDS = "item_id,name,price,brand,category,rating,review_count,in_stock,picture"

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


# Per field, in SEARCH_FIELDS order (title, brand, description). A typo or an unfinished
# last word is looked for where a shopper would mean it: the title takes two typos and a
# prefix ("wireles headphnes", "headpho"), the brand one typo and a prefix, the long
# description neither. Typo and prefix expansion over the description's large
# vocabulary cost the most and changed the top ten the least (docs/benchmarks.md;
# the relevance check in tests/web/test_search_relevance.py keeps it honest).
NUM_TYPOS = "2,1,0"
PREFIX = "true,true,false"


def _text_params(query: SearchQuery) -> dict[str, Any]:
    return {
        "q": query.text if query.has_text else "*",
        "query_by": SEARCH_FIELDS,
        "query_by_weights": QUERY_BY_WEIGHTS,
        "num_typos": NUM_TYPOS,
        "prefix": PREFIX,
    }


def _with_filter(search: dict[str, Any], expression: str) -> dict[str, Any]:
    if expression:
        search["filter_by"] = expression
    return search


def hits_search_body(
    collection: str, query: SearchQuery, *, page: int, per_page: int
) -> dict[str, list[dict[str, Any]]]:
    """One page of hits, no facet counts (the `multi_search` shape, one search)."""
    hits = {
        "collection": collection,
        **_text_params(query),
        "sort_by": sort_by(query),
        "page": page,
        "per_page": per_page,
        "include_fields": RESULT_FIELDS,
        # The cards show no highlights, but the matched words tell whether the query was
        # met as typed (db/search/query_match.py): highlights on the searched fields
        # with the shortest snippet, and 0.24's legacy `highlights` list left out.
        "highlight_fields": SEARCH_FIELDS,
        "highlight_affix_num_tokens": 1,
        "enable_highlight_v1": False,
    }
    return {"searches": [_with_filter(hits, filter_by(query))]}


def facets_search_body(collection: str, query: SearchQuery) -> dict[str, list[dict[str, Any]]]:
    """Facet counts only: the query as filtered, then one search per disjunctive facet."""
    counted = {
        "collection": collection,
        **_text_params(query),
        "facet_by": FACET_FIELDS,
        "max_facet_values": MAX_FACET_VALUES,
        "per_page": 0,
    }
    searches = [_with_filter(counted, filter_by(query))]
    for field in facets_needing_own_search(query):
        own = {
            "collection": collection,
            **_text_params(query),
            "facet_by": field,
            "max_facet_values": MAX_FACET_VALUES,
            "per_page": 0,
        }
        searches.append(_with_filter(own, filter_by(query, leave_out=field)))
    return {"searches": searches}


def facets_needing_own_search(query: SearchQuery) -> list[str]:
    active = {"category": bool(query.category), "brand": bool(query.brands)}
    return [field for field in DISJUNCTIVE_FACETS if active[field]]


class TypesenseSearchError(RuntimeError):
    def __init__(self, message: str, status: int | None) -> None:
        super().__init__(message)
        self.status = status


RawFacets = dict[str, list[dict[str, Any]]]


@dataclass(frozen=True)
class RawPage:
    """The parts of Typesense's answer we keep; plain JSON so it can be cached as is."""

    hits: list[dict[str, Any]]
    found: int
    match: QueryMatch = EXACT

    def to_json(self) -> dict[str, Any]:
        return {"hits": self.hits, "found": self.found, "match": self.match.to_json()}

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> RawPage:
        return cls(
            hits=data["hits"], found=data["found"], match=QueryMatch.from_json(data.get("match"))
        )


def _results(response: dict[str, Any]) -> list[dict[str, Any]]:
    results = response.get("results") or []
    # multi_search answers 200 even when one search failed; the error is inside.
    for result in results:
        if "error" in result:
            raise TypesenseSearchError(str(result["error"]), result.get("code"))
    if not results:
        raise TypesenseSearchError("multi_search returned no results", None)
    return results


def parse_hits(response: dict[str, Any], query: SearchQuery) -> RawPage:
    main = _results(response)[0]
    raw_hits = main.get("hits", [])
    hits = [hit["document"] for hit in raw_hits]
    match = query_match(query.text, raw_hits) if query.has_text else EXACT
    return RawPage(hits=hits, found=int(main.get("found", 0)), match=match)


def parse_facets(response: dict[str, Any], query: SearchQuery) -> RawFacets:
    counted, *own = _results(response)
    facets = _facet_counts(counted)
    for field, result in zip(facets_needing_own_search(query), own, strict=True):
        facets[field] = _facet_counts(result).get(field, [])
    return facets


def _facet_counts(result: dict[str, Any]) -> RawFacets:
    facets: RawFacets = {}
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
