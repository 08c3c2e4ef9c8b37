"""`GET /api/v1/items` (search) and `GET /api/v1/items/<itemID>` (one item with live stock).

Prices are integer cents. Search arguments: query, category, brand (repeatable: any
of them), minPrice, maxPrice (cents, inclusive), inStock (true|false), sort
(relevance|price_asc|price_desc|rating), limit (1..100, default 20), nextCursor
(from the previous page; keep the other arguments unchanged while following it),
facets (true|false, default false). The answer is the write-up's `{items,
nextCursor, limit}` plus `found` and whether the query was met as typed
(`exactMatch`, `relaxedQuery`, `didYouMean`: db/search/query_match.py); `facets=true`
adds the facet counts, which cost more than the hits, so a client typing asks for
them once the typing pauses. Counts for `category` and `brand` ignore the filter on
that same field, so they show what the shopper could switch to.
"""

from __future__ import annotations

from typing import Any

import orjson
from flask import Blueprint, Response, abort, jsonify, request
from werkzeug.datastructures import MultiDict

from db.search import InvalidSearch, SearchHit, SearchPage, parse_search_args
from web.current_user import current_user
from web.item_reads import ItemDetails, parse_item_id
from web.pictures import media_base, picture_url
from web.search.use_cases import CatalogueSearch
from web.services import services

bp = Blueprint("api_search", __name__, url_prefix="/api/v1")

SEARCH_CACHE_CONTROL = "public, max-age=30"
# Item data carries live stock, so shared caches may keep it only briefly.
ITEM_CACHE_CONTROL = "public, max-age=5"


@bp.get("/items")
def search_items() -> Response:
    search_request = parse_search_args(request.args)
    user = current_user()  # with a bearer token: the search feeds their recommendations
    page = _catalogue_search().search(
        search_request, with_facets=wants_facets(request.args), user_id=user.id if user else None
    )
    response = Response(orjson.dumps(search_page_json(page)), mimetype="application/json")
    response.headers["Cache-Control"] = SEARCH_CACHE_CONTROL
    response.headers["X-Search-Cache"] = page.cache
    return response


@bp.get("/items/<item_id>")
def get_item(item_id: str) -> Response:
    item = services().items.find(parse_item_id(item_id))
    if item is None:
        abort(404, description=f"No item with itemID {item_id}.")
    response = jsonify(item_json(item))
    response.headers["Cache-Control"] = ITEM_CACHE_CONTROL
    return response


def wants_facets(args: MultiDict) -> bool:
    values = args.getlist("facets")
    if len(set(values)) > 1:
        raise InvalidSearch(f"facets was given {len(values)} different values; give it once.")
    raw = (values[0] if values else "").strip().lower()
    if raw in {"", "false", "0"}:
        return False
    if raw in {"true", "1"}:
        return True
    raise InvalidSearch("facets must be true or false.")


def search_page_json(page: SearchPage, media_base_url: str | None = None) -> dict[str, Any]:
    media = media_base_url or media_base()  # once a page, not once a hit
    body: dict[str, Any] = {
        "items": [hit_json(hit, media) for hit in page.hits],
        "nextCursor": page.next_cursor,
        "limit": page.limit,
        "found": page.found,
        # Whether the hits met the query as typed (docs/search.md, "No exact match and
        # did you mean").
        "exactMatch": page.found > 0 and page.match.exact,
        "relaxedQuery": page.match.relaxed_query,
        "didYouMean": page.match.did_you_mean,
    }
    if page.facets is not None:
        body["facets"] = {
            "category": _counts(page.facets, "category"),
            "brand": _counts(page.facets, "brand"),
            "inStock": _counts(page.facets, "in_stock"),
        }
    return body


def _counts(facets: dict[str, Any], field: str) -> list[dict[str, Any]]:
    return [{"value": facet.value, "count": facet.count} for facet in facets.get(field, [])]


def hit_json(hit: SearchHit, media_base_url: str | None = None) -> dict[str, Any]:
    return {
        "itemID": hit.item_id,
        "name": hit.name,
        "price": hit.price,
        "brand": hit.brand,
        "category": hit.category,
        "rating": hit.rating,
        "reviewCount": hit.review_count,
        "inStock": hit.in_stock,
        "imageURL": picture_url(hit.picture, media_base_url),
    }


def item_json(item: ItemDetails) -> dict[str, Any]:
    return {
        "itemID": item.item_id,
        "sku": item.sku,
        "name": item.name,
        "description": item.description,
        "price": item.price,
        "brand": item.brand,
        "category": item.category,
        "rating": item.rating,
        "reviewCount": item.review_count,
        "stock": item.stock,
        "inStock": item.in_stock,
        "imageURL": picture_url(item.picture),
    }


def _catalogue_search() -> CatalogueSearch:
    """Made per request from this app's search and recommendations (a test may swap either)."""
    s = services()
    return CatalogueSearch(s.search, s.recommendations)
