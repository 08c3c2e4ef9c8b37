"""The order desk's API under /api/v1/staff/orders (web/staff_orders/api.py)."""

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
from web.staff_orders.use_cases import DEFAULT_LIMIT, MAX_LIMIT, MAX_REASON

STAFF = "Operators and admins only (the order desk, docs/staff.md); any other token is a 403."
SUMMARY_FIELDS = {
    "orderID": {"type": "string"},
    "orderedDate": ISO_INSTANT,
    "status": ref("OrderStatus"),
    "total": CENTS,
    "units": {"type": "integer", "minimum": 0},
}
CUSTOMER = obj({"customerID": ID_INT, "email": {"type": "string"}})
ORDER_ID = path_param("orderID", {"type": "string"}, "The order's number.")

SCHEMAS = {
    "StaffCustomer": CUSTOMER,
    "StaffOrderSummary": obj(SUMMARY_FIELDS),
    "StaffLookup": obj(
        {
            "customer": {
                **nullable(ref("StaffCustomer")),
                "description": "The email's or the order's customer; null when none matched.",
            },
            "orders": {"type": "array", "items": ref("StaffOrderSummary")},
            "nextCursor": nullable({"type": "string"}),
            "limit": {"type": "integer", "minimum": 1, "maximum": MAX_LIMIT},
        }
    ),
    "StaffOrder": obj(
        {
            **SUMMARY_FIELDS,
            "customer": ref("StaffCustomer"),
            "refunded": {**CENTS, "description": "Given back to the card so far."},
            "cart": {"type": "array", "items": ref("PricedLine")},
            "shippingAddress": ref("Address"),
            "card": ref("Card"),
            "canCancel": {"type": "boolean"},
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
                        "shippedAt": nullable(ISO_INSTANT),
                        "deliveredAt": nullable(ISO_INSTANT),
                        "lines": {
                            "type": "array",
                            "items": obj(
                                {
                                    "itemID": ID_INT,
                                    "name": {"type": "string"},
                                    "quantity": {"type": "integer"},
                                }
                            ),
                        },
                    }
                ),
            },
        }
    ),
    "StaffCancel": obj({"reason": {"type": "string", "minLength": 1, "maxLength": MAX_REASON}}),
}

PATHS = {
    "/api/v1/staff/orders": {
        "get": {
            "operationId": "staffLookUpOrders",
            "tags": ["staff"],
            "summary": "Find orders by the customer's email or by order number",
            "description": STAFF + " Give exactly one of `email` and `orderID`. The email "
            "matches exactly, whatever its case; one no account has answers 200 with "
            "`customer: null` and no orders.",
            "security": BEARER,
            "parameters": [
                query_param("email", {"type": "string"}, "The customer's email."),
                query_param("orderID", {"type": "string"}, "An order number."),
                query_param(
                    "limit",
                    {"type": "integer", "minimum": 1, "maximum": MAX_LIMIT},
                    f"Orders per page (default {DEFAULT_LIMIT}).",
                ),
                query_param(
                    "nextCursor",
                    {"type": "string"},
                    "From the previous page of the same email; any other is a 400.",
                ),
            ],
            "responses": {
                "200": {"description": "What matched.", **json_body(ref("StaffLookup"))},
                **errors(400, 401, 403),
            },
        }
    },
    "/api/v1/staff/orders/{orderID}": {
        "get": {
            "operationId": "staffGetOrder",
            "tags": ["staff"],
            "summary": "Any customer's order, whole",
            "description": STAFF,
            "security": BEARER,
            "parameters": [ORDER_ID],
            "responses": {
                "200": {"description": "The order.", **json_body(ref("StaffOrder"))},
                **errors(401, 403, 404),
            },
        }
    },
    "/api/v1/staff/orders/{orderID}/cancel": {
        "post": {
            "operationId": "staffCancelOrder",
            "tags": ["staff"],
            "summary": "Cancel an order for its customer, with a reason",
            "description": STAFF + " The same cancel as the shopper's: every parcel not "
            "shipped is stopped, the stock goes back, the payment is refunded; the reason "
            "is written on the order's timeline. Cancelling a cancelled order answers it as is.",
            "security": BEARER,
            "parameters": [ORDER_ID],
            "requestBody": {"required": True, **json_body(ref("StaffCancel"))},
            "responses": {
                "200": {"description": "The cancelled order.", **json_body(ref("StaffOrder"))},
                **errors(
                    400,
                    401,
                    403,
                    404,
                    409,
                    503,
                    _409="A parcel has shipped, or the order was delivered or has closed.",
                ),
            },
        }
    },
}
