"""GET and PATCH /api/v1/cart (web/cart/api.py)."""

from __future__ import annotations

from domain.cart_rules import CartOp
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

THROTTLED = "`too_many_requests`: too many changes in a row; wait `Retry-After` seconds."

SCHEMAS = {
    "Cart": obj(
        {
            "items": {
                "type": "array",
                "items": obj(
                    {
                        "itemID": ID_INT,
                        "name": {"type": "string"},
                        "price": CENTS,
                        "quantity": {"type": "integer", "minimum": 1},
                        "lineTotal": CENTS,
                        "stock": {"type": "integer", "minimum": 0},
                    }
                ),
            },
            "total": CENTS,
            "count": {"type": "integer", "minimum": 0, "description": "Units in the cart."},
        }
    ),
    "CartChange": obj(
        {"itemID": {"type": "integer"}, "quantity": {"type": "integer"}},
        description="ADD adds `quantity` (at most 100 per line, never more than is in stock); "
        "REMOVE takes it off; SET makes the line exactly `quantity` (0 removes it).",
    ),
}

PATHS = {
    "/api/v1/cart": {
        "get": {
            "operationId": "getCart",
            "tags": ["cart"],
            "summary": "The shopper's cart",
            "security": BEARER,
            "responses": {
                "200": {"description": "The cart.", **json_body(ref("Cart"))},
                **errors(401),
            },
        },
        "patch": {
            "operationId": "changeCart",
            "tags": ["cart"],
            "summary": "Add, remove or set a line",
            "security": BEARER,
            "parameters": [
                query_param(
                    "op",
                    {"type": "string", "enum": [op.value for op in CartOp]},
                    "What to do with the line.",
                    required=True,
                )
            ],
            "requestBody": {"required": True, **json_body(ref("CartChange"))},
            "responses": {
                "200": {
                    "description": "The whole cart after the change.",
                    **json_body(ref("Cart")),
                },
                **errors(
                    400,
                    401,
                    404,
                    409,
                    429,
                    _404="No item with that itemID.",
                    _409="Not enough stock (`insufficient_stock`, with `left`) or the line "
                    "limit; nothing was changed.",
                    _429=THROTTLED,
                ),
            },
        },
    }
}
