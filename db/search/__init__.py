"""Search, the read side (the write side is db/search/index.py; the shape is db/search/schema.py).

query.py             what was asked: validation, normalisation, fingerprint
filters.py           filter_by expressions that user input cannot reshape
cursor.py            signed cursors bound to one search
typesense_request.py the Typesense multi_search body and the parsing of its answer
query_match.py       whether the hits met the query as typed (dropped or respelt words)
multi_search.py      the one HTTP call that sends that body (a pooled urllib3 POST, failing
                     over between a cluster's nodes)
node_health.py       which node a search goes to; failed nodes set aside for a few seconds
catalog_version.py   the catalogue version in cache keys
service.py           SearchService tying it together (cache, cursor, Typesense)
"""

from db.search.args import parse_search_args
from db.search.catalog_version import CatalogVersion
from db.search.cursor import CursorCodec, InvalidCursor
from db.search.query import (
    DEFAULT_LIMIT,
    MAX_LIMIT,
    InvalidSearch,
    SearchQuery,
    SearchRequest,
    SortOrder,
)
from db.search.query_match import QueryMatch
from db.search.service import FacetCount, SearchHit, SearchPage, SearchService, SearchUnavailable

__all__ = [
    "DEFAULT_LIMIT",
    "MAX_LIMIT",
    "CatalogVersion",
    "CursorCodec",
    "FacetCount",
    "InvalidCursor",
    "InvalidSearch",
    "QueryMatch",
    "SearchHit",
    "SearchPage",
    "SearchQuery",
    "SearchRequest",
    "SearchService",
    "SearchUnavailable",
    "SortOrder",
    "parse_search_args",
]
