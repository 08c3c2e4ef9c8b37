"""GET /api/v1/orders and /api/v1/orders/{orderID}, POST
/api/v1/orders/{orderID}/cancel-unshipped (web/orders/api.py)."""

from __future__ import annotations

from web.openapi_components import (
    BEARER,
    CENTS,
    ID_INT,
    ISO_INSTANT,
    errors,
    json_body,
    nullable,
    obj,
    path_param,
    query_param,
    ref,
)
from web.orders.reads import DEFAULT_LIMIT, MAX_LIMIT

ORDER_FIELDS = {
    "orderID": {"type": "string"},
    "orderedDate": ISO_INSTANT,
    "arrivalDate": nullable({"type": "string", "format": "date"}),
    "status": ref("OrderStatus"),
    "total": CENTS,
    "cart": {"type": "array", "items": ref("PricedLine")},
}

SCHEMAS = {
    "Order": obj(ORDER_FIELDS),
    "OrdersPage": obj(
        {
            "orders": {"type": "array", "items": ref("Order")},
            "nextCursor": nullable({"type": "string"}),
            "limit": {"type": "integer", "minimum": 1, "maximum": MAX_LIMIT},
        }
    ),
    "OrderDetail": obj(
        {
            **ORDER_FIELDS,
            "checkoutID": {"type": "string"},
            "shippingAddress": ref("Address"),
            "card": ref("Card"),
            "canCancel": {"type": "boolean"},
            "canCancelUnshipped": {
                "type": "boolean",
                "description": "Some parcel shipped and something has not: "
                "`POST /api/v1/orders/{orderID}/cancel-unshipped` may cancel the rest.",
            },
            "cancelled": {
                "type": "array",
                "items": ref("SuborderLine"),
                "description": "The units cancelling the unshipped parcels took off "
                "(refunded); empty otherwise.",
            },
            "timeline": {
                "type": "array",
                "items": {"type": "object"},
                "description": "Oldest first: `{at, event, detail}`.",
            },
            "suborders": {
                "type": "array",
                "items": obj(
                    {
                        "suborderID": {"type": "string"},
                        "warehouse": ref("ParcelWarehouse"),
                        "status": ref("SuborderStatus"),
                        "arrivalDate": {
                            **nullable({"type": "string", "format": "date"}),
                            "description": "By when this parcel arrives (docs/delivery.md); "
                            "the day it was delivered once DELIVERED; null once CANCELLED.",
                        },
                        "shippedAt": nullable(ISO_INSTANT),
                        "deliveredAt": nullable(ISO_INSTANT),
                        "lines": {"type": "array", "items": ref("SuborderLine")},
                    }
                ),
            },
        }
    ),
    "PartlyCancelled": obj(
        {
            "orderID": {"type": "string"},
            "status": ref("OrderStatus"),
            "cancelledSuborders": {"type": "array", "items": {"type": "string"}},
            "refund": {**CENTS, "description": "Refunded for the cancelled lines, in cents."},
            "order": ref("OrderDetail"),
        }
    ),
    "SuborderLine": obj(
        {"itemID": ID_INT, "name": {"type": "string"}, "quantity": {"type": "integer"}}
    ),
}

PATHS = {
    "/api/v1/orders": {
        "get": {
            "operationId": "listOrders",
            "tags": ["orders"],
            "summary": "The shopper's orders, newest first",
            "security": BEARER,
            "parameters": [
                query_param(
                    "limit",
                    {"type": "integer", "minimum": 1, "maximum": MAX_LIMIT},
                    f"Orders per page (default {DEFAULT_LIMIT}).",
                ),
                query_param(
                    "since",
                    {"type": "string", "examples": ["2026-01-31"]},
                    "Only orders placed since this date or ISO 8601 time.",
                ),
                query_param(
                    "status",
                    {"type": "array", "items": ref("OrderStatus")},
                    "Only orders in this status; repeat it for several "
                    "(`status=CANCELLED&status=SHIPPED`). Any other value is a 400.",
                    style="form",
                    explode=True,
                ),
                query_param(
                    "nextCursor",
                    {"type": "string"},
                    "From the previous page (keep `since` and `status` unchanged): another "
                    "shopper's cursor, or one followed with another `since` or `status`, is a 400.",
                ),
            ],
            "responses": {
                "200": {"description": "One page of orders.", **json_body(ref("OrdersPage"))},
                **errors(400, 401),
            },
        }
    },
    "/api/v1/orders/{orderID}": {
        "get": {
            "operationId": "getOrder",
            "tags": ["orders"],
            "summary": "One order: status, suborders per warehouse, timeline",
            "security": BEARER,
            "parameters": [path_param("orderID", {"type": "string"}, "The order's id.")],
            "responses": {
                "200": {"description": "The order.", **json_body(ref("OrderDetail"))},
                **errors(401, 404),
            },
        }
    },
    "/api/v1/orders/{orderID}/cancel-unshipped": {
        "post": {
            "operationId": "cancelUnshippedParcels",
            "tags": ["orders"],
            "summary": "Cancel the parcels that have not shipped, and refund their lines",
            "description": "Once some parcel has shipped: every parcel still in its warehouse "
            "(and whatever no warehouse holds yet) is cancelled, its stock goes back and only "
            "its lines are refunded. The shipped parcels are delivered as usual; the order is "
            "PARTLY_CANCELLED until then, DELIVERED after (docs/orders.md).",
            "security": BEARER,
            "parameters": [path_param("orderID", {"type": "string"}, "The order's id.")],
            "responses": {
                "200": {
                    "description": "What was cancelled and refunded.",
                    **json_body(ref("PartlyCancelled")),
                },
                **errors(
                    401,
                    404,
                    409,
                    429,
                    503,
                    _409="Nothing has shipped yet (`nothing_shipped`: cancel the whole order), "
                    "nothing is left unshipped (`nothing_unshipped`), or the order is "
                    "delivered or cancelled.",
                ),
            },
        }
    },
}
