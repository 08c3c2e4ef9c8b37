"""GET /api/v1/recommendations (web/recommendations/api.py)."""

from __future__ import annotations

from domain.recommendations import DEFAULT_LIMIT, MAX_LIMIT, Reason
from web.openapi_components import (
    BEARER,
    CENTS,
    ID_INT,
    errors,
    json_body,
    obj,
    query_param,
    ref,
)

SCHEMAS = {
    "Recommendations": obj(
        {
            "items": {
                "type": "array",
                "items": obj(
                    {
                        "itemID": ID_INT,
                        "name": {"type": "string"},
                        "price": CENTS,
                        "inStock": {"type": "boolean", "const": True},
                        "reason": {"type": "string", "enum": [r.value for r in Reason]},
                    }
                ),
            }
        },
        description="Never an item out of stock or one the caller ordered in the last 30 "
        "days. `recent_search`: from the caller's own recent searches; `bought_together`: "
        "bought in the same orders as what the caller bought; `popular`: sells now.",
    )
}

PATHS = {
    "/api/v1/recommendations": {
        "get": {
            "operationId": "getRecommendations",
            "tags": ["items"],
            "summary": "Items recommended to the caller (popular ones without a token)",
            "security": [*BEARER, {}],
            "parameters": [
                query_param(
                    "limit",
                    {
                        "type": "integer",
                        "minimum": 1,
                        "maximum": MAX_LIMIT,
                        "default": DEFAULT_LIMIT,
                    },
                    "How many items at most.",
                )
            ],
            "responses": {
                "200": {
                    "description": "The picks, best first.",
                    **json_body(ref("Recommendations")),
                },
                **errors(400),
            },
        }
    }
}
