"""GET /api/v1/items (search) and GET /api/v1/items/{itemID} (web/search/api.py)."""

from __future__ import annotations

from db.search.filter_param import MAX_FILTER_LENGTH
from db.search.query import (
    DEFAULT_LIMIT,
    MAX_BRANDS,
    MAX_CURSOR_LENGTH,
    MAX_FILTER_VALUE_LENGTH,
    MAX_LIMIT,
    MAX_PRICE_CENTS,
    MAX_QUERY_LENGTH,
    SortOrder,
)
from web.openapi_components import (
    CENTS,
    ID_INT,
    errors,
    json_body,
    nullable,
    obj,
    path_param,
    query_param,
    ref,
)

PRICE = {"type": "integer", "minimum": 0, "maximum": MAX_PRICE_CENTS}
TEXT_VALUE = {"type": "string", "maxLength": MAX_FILTER_VALUE_LENGTH}
IMAGE_URL = nullable(
    {
        "type": "string",
        "description": "The item's 480 px picture (docs/media.md): a path on this store "
        "(`/media/<hash>-480.webp`) or a URL under MEDIA_URL; null when it has none. The 160 "
        "and 960 px pictures are the same name with `-160` / `-960`.",
    }
)
# Computed from reviews (docs/reviews.md); null when the item has none.
RATING = nullable(
    {"type": "number", "minimum": 1, "maximum": 5, "description": "Average of its reviews."}
)
REVIEW_COUNT = {"type": "integer", "minimum": 0}
FACET = obj({"value": {"type": ["string", "boolean"]}, "count": {"type": "integer", "minimum": 0}})

SCHEMAS = {
    "SearchHit": obj(
        {
            "itemID": ID_INT,
            "name": {"type": "string"},
            "price": CENTS,
            "brand": {"type": "string"},
            "category": {"type": "string"},
            "rating": RATING,
            "reviewCount": REVIEW_COUNT,
            "inStock": {"type": "boolean"},
            "imageURL": IMAGE_URL,
        }
    ),
    "SearchPage": obj(
        {
            "items": {"type": "array", "items": ref("SearchHit")},
            "nextCursor": nullable({"type": "string"}),
            "limit": {"type": "integer", "minimum": 1, "maximum": MAX_LIMIT},
            "found": {"type": "integer", "minimum": 0},
            "exactMatch": {
                "type": "boolean",
                "description": "true when something was found with every word as typed; "
                "false when words were dropped or respelt to find anything, or nothing was found.",
            },
            "relaxedQuery": nullable(
                {
                    "type": "string",
                    "description": "When no item has every word: the words the results are "
                    "for (`red` for `red dress`); otherwise null.",
                }
            ),
            "didYouMean": nullable(
                {
                    "type": "string",
                    "description": "When a word was found only as a near-spelling of the "
                    "catalogue's own (up to two typos): the query as the catalogue spells it "
                    "(`headphones` for `headphnes`); otherwise null.",
                }
            ),
            "facets": obj(
                {
                    "category": {"type": "array", "items": FACET},
                    "brand": {"type": "array", "items": FACET},
                    "inStock": {"type": "array", "items": FACET},
                },
                description="Only with `facets=true`. Counts for the category and brand "
                "facets ignore the filter on that same field, so they show what the shopper "
                "could switch to.",
            ),
        },
        optional=("facets",),
    ),
    "Item": obj(
        {
            "itemID": ID_INT,
            "sku": {"type": "string"},
            "name": {"type": "string"},
            "description": {"type": "string"},
            "price": CENTS,
            "brand": {"type": "string"},
            "category": {"type": "string"},
            "rating": RATING,
            "reviewCount": REVIEW_COUNT,
            "stock": {"type": "integer", "minimum": 0},
            "inStock": {"type": "boolean"},
            "imageURL": IMAGE_URL,
        }
    ),
}

SEARCH_PARAMETERS = [
    query_param(
        "query",
        {"type": "string", "maxLength": MAX_QUERY_LENGTH},
        "Typo-tolerant full text over name, brand and description (the words of the name "
        "apart from the brand weigh most); empty or `*`: everything.",
    ),
    query_param(
        "filter",
        {"type": "string", "maxLength": MAX_FILTER_LENGTH},
        "The design write-up's filter: comma-separated `field:value` terms, ANDed with each "
        "other and with the parameters below: `category:<name>`, `brand:<a>|<b>` (any of), "
        "`price:<min>..<max>` (cents, either end optional), `inStock:true|false`. Quote a "
        'value containing `,` or `|`: `brand:"Comma, Inc"`. A field given both here and as '
        "its own parameter is a 400 `conflicting_filter`; a bad term is a 400 "
        "`invalid_filter` naming it.",
        examples={"write-up": {"value": "brand:Kestrel|Acme,price:..5000,inStock:true"}},
    ),
    query_param("category", TEXT_VALUE, "Only this category."),
    query_param(
        "brand",
        {"type": "array", "items": TEXT_VALUE, "maxItems": MAX_BRANDS},
        "Any of these brands (repeat the parameter).",
        style="form",
        explode=True,
    ),
    query_param("minPrice", PRICE, "Lowest price, cents, inclusive."),
    query_param("maxPrice", PRICE, "Highest price, cents, inclusive."),
    query_param("inStock", {"type": "boolean"}, "true: only in stock; false: only sold out."),
    query_param(
        "sort", {"type": "string", "enum": [s.value for s in SortOrder]}, "Default: relevance."
    ),
    query_param(
        "limit",
        {"type": "integer", "minimum": 1, "maximum": MAX_LIMIT},
        f"Results per page (default {DEFAULT_LIMIT}, or the cursor's).",
    ),
    query_param(
        "nextCursor",
        {"type": "string", "maxLength": MAX_CURSOR_LENGTH},
        "From the previous page; keep the other parameters unchanged while following it.",
    ),
    query_param(
        "facets",
        {"type": "boolean"},
        "true: add the facet counts (they cost more than the hits; ask once typing pauses).",
    ),
]

PATHS = {
    "/api/v1/items": {
        "get": {
            "operationId": "searchItems",
            "tags": ["items"],
            "summary": "Search the catalogue",
            "security": [],
            "parameters": SEARCH_PARAMETERS,
            "responses": {
                "200": {
                    "description": "One page of hits, facet counts, the cursor of the next page "
                    "(`Cache-Control: public, max-age=30`).",
                    **json_body(ref("SearchPage")),
                },
                **errors(
                    400,
                    503,
                    _503="Search is unavailable right now (cart and checkout keep working).",
                ),
            },
        }
    },
    "/api/v1/items/{itemID}": {
        "get": {
            "operationId": "getItem",
            "tags": ["items"],
            "summary": "One item with its live stock",
            "security": [],
            "parameters": [path_param("itemID", {"type": "string"}, "The item's id.")],
            "responses": {
                "200": {"description": "The item.", **json_body(ref("Item"))},
                **errors(400, 404, _400="itemID is not a positive whole number."),
            },
        }
    },
    "/api/v1/items/{itemID}/stock/events": {
        "get": {
            "operationId": "streamItemStock",
            "tags": ["items"],
            "summary": "The item's stock, live (Server-Sent Events)",
            "description": "Served by the ASGI app beside Flask, same origin (docs/live-stock.md). "
            "Every event has `id: <eventID>` and `data: {itemID, stock, inStock, changedAt}`; "
            "the first is the current stock (id 0 when the item has not changed lately). "
            "Send `Last-Event-ID` to resume: the changes after it are replayed. A comment "
            "line at least every 15 s (`SSE_HEARTBEAT_SECONDS`) keeps proxies open.",
            "security": [],
            "parameters": [
                path_param("itemID", {"type": "string"}, "The item's id."),
                {
                    "name": "Last-Event-ID",
                    "in": "header",
                    "required": False,
                    "schema": {"type": "string", "pattern": "^[0-9]{1,19}$"},
                    "description": "The id of the last event received (browsers send it "
                    "by themselves when they reconnect).",
                },
            ],
            "responses": {
                "200": {
                    "description": "An endless `text/event-stream` (`Cache-Control: no-store`).",
                    "content": {"text/event-stream": {"schema": {"type": "string"}}},
                },
                **errors(404, _404="No such item (a malformed itemID included)."),
            },
        }
    },
}
