"""Returns (web/returns/api.py): a shopper's return of delivered lines, a warehouse's "received"."""

from __future__ import annotations

from web.openapi_components import (
    BEARER,
    CENTS,
    ID_INT,
    ISO_INSTANT,
    LINE_IN,
    errors,
    json_body,
    nullable,
    obj,
    path_param,
    ref,
)
from web.returns.parsing import MAX_LINES

RETURN_FIELDS = {
    "returnID": {"type": "string", "description": "The return number (`RT-…`)."},
    "orderID": {"type": "string"},
    "warehouseID": {**ID_INT, "description": "Where the units go back (one return per parcel)."},
    "status": {
        "type": "string",
        "enum": ["AUTHORIZED", "RECEIVED", "REFUNDED", "REFUND_FAILED", "EXPIRED"],
    },
    "reason": {"type": "string"},
    "refundAmount": {**CENTS, "description": "What the returned lines give back (cents)."},
    "refunded": {**CENTS, "description": "What was refunded: refundAmount once REFUNDED, else 0."},
    "createdAt": ISO_INSTANT,
    "receivedAt": nullable(ISO_INSTANT),
    "refundedAt": nullable(ISO_INSTANT),
    "lines": {"type": "array", "items": ref("PricedLine")},
}

SCHEMAS = {
    "Return": obj(RETURN_FIELDS),
    "ReturnCreated": obj(
        {
            **RETURN_FIELDS,
            "returns": {
                "type": "array",
                "items": ref("Return"),
                "description": "Every return created (one per parcel); the first is the body.",
            },
        }
    ),
    "ReturnRequest": obj(
        {
            "lines": {"type": "array", "items": LINE_IN, "minItems": 1, "maxItems": MAX_LINES},
            "reason": {"type": "string", "minLength": 1, "maxLength": 500},
        }
    ),
}

ORDER_ID = path_param("orderID", {"type": "string"}, "The order's id.")
RETURN_ID = path_param("returnID", {"type": "string"}, "The return's number.")
WAREHOUSE_ID = path_param("warehouseID", {"type": "string"}, "The warehouse's id.")

PATHS = {
    "/api/v1/orders/{orderID}/returns": {
        "post": {
            "operationId": "requestReturn",
            "tags": ["orders"],
            "summary": "Return delivered lines within 30 days of their delivery",
            "description": "One return per parcel the units came in (docs/returns.md); an "
            "email with the return number follows. The refund is made when the warehouse "
            "receives the parcel.",
            "security": BEARER,
            "parameters": [ORDER_ID],
            "requestBody": {"required": True, **json_body(ref("ReturnRequest"))},
            "responses": {
                "201": {"description": "Authorised.", **json_body(ref("ReturnCreated"))},
                **errors(
                    400,
                    401,
                    404,
                    409,
                    _409="Nothing delivered yet (`not_delivered_yet`), past the 30-day window "
                    "(`return_window_closed`), or more than delivered minus already returned "
                    "(`more_than_delivered`).",
                ),
            },
        }
    },
    "/api/v1/orders/{orderID}/returns/{returnID}": {
        "get": {
            "operationId": "getReturn",
            "tags": ["orders"],
            "summary": "A return's status and refund",
            "security": BEARER,
            "parameters": [ORDER_ID, RETURN_ID],
            "responses": {
                "200": {"description": "The return now.", **json_body(ref("Return"))},
                **errors(400, 401, 404),
            },
        }
    },
    "/api/v1/warehouses/{warehouseID}/returns/{returnID}/receive": {
        "post": {
            "operationId": "receiveReturn",
            "tags": ["warehouses"],
            "summary": "The returned parcel arrived: refund it and put its units back",
            "description": "A warehouse worker's bearer token (its own warehouses only) or an "
            "operator's. Another warehouse's return is a 404. Answers once the return is "
            "RECEIVED; the refund and restock follow at once. A second call changes nothing.",
            "security": BEARER,
            "parameters": [WAREHOUSE_ID, RETURN_ID],
            "responses": {
                "200": {"description": "The return now.", **json_body(ref("Return"))},
                **errors(400, 401, 403, 404),
            },
        }
    },
}
