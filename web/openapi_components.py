"""Schemas, parameters and responses shared by the /api/v1 paths (OpenAPI 3.1, JSON Schema 2020-12).

Enumerations and limits come from the code that enforces them (the status enums, the
search limits), so the document cannot drift from them. Helpers:

    ref("Cart")                      -> {"$ref": "#/components/schemas/Cart"}
    json_body(ref("Cart"))           -> a response/request content block
    errors(400, 401, 404)            -> the documented error responses, each an Error
"""

from __future__ import annotations

from typing import Any

from domain.checkout import CheckoutStatus
from domain.order import OrderStatus, SuborderStatus

Schema = dict[str, Any]

ISO_INSTANT = {"type": "string", "format": "date-time", "examples": ["2026-01-31T09:30:00.000Z"]}
CENTS = {"type": "integer", "minimum": 0, "description": "Integer cents."}
ID_INT = {"type": "integer", "minimum": 1}


def ref(name: str) -> Schema:
    return {"$ref": f"#/components/schemas/{name}"}


def nullable(schema: Schema) -> Schema:
    return {"oneOf": [schema, {"type": "null"}]}


def obj(properties: dict[str, Schema], *, optional: tuple[str, ...] = (), **extra: Any) -> Schema:
    """An object whose properties are all present (except `optional`); no others."""
    return {
        "type": "object",
        "required": [name for name in properties if name not in optional],
        "properties": properties,
        "additionalProperties": False,
        **extra,
    }


def json_body(schema: Schema, description: str = "") -> Schema:
    block: Schema = {"content": {"application/json": {"schema": schema}}}
    if description:
        block["description"] = description
    return block


ERROR_DESCRIPTIONS = {
    400: "Malformed request: the message says which parameter or field, and why.",
    401: "No valid bearer token (`WWW-Authenticate: Bearer`).",
    402: "The card was declined; the hold stays until `expiresAt`, so another card can be tried.",
    403: "Signed in, but not allowed (the account's role does not grant it).",
    404: "No such resource for this caller (another shopper's looks exactly the same).",
    409: "Refused in the resource's current state (the code says which).",
    422: "Well-formed but not acceptable (the code and message say what).",
    429: "Too many attempts: wait `Retry-After` seconds.",
    503: "A service the call needs is unavailable; nothing was changed. Retry shortly.",
}


def errors(*statuses: int, **descriptions: str) -> dict[str, Schema]:
    """Error responses; `descriptions` (e.g. `_409="..."`) replace the generic sentence."""
    return {
        str(status): {
            "description": descriptions.get(f"_{status}", ERROR_DESCRIPTIONS[status]),
            **json_body(ref("Error")),
        }
        for status in statuses
    }


def query_param(name: str, schema: Schema, description: str, **extra: Any) -> Schema:
    return {"name": name, "in": "query", "schema": schema, "description": description, **extra}


def path_param(name: str, schema: Schema, description: str) -> Schema:
    return {
        "name": name,
        "in": "path",
        "required": True,
        "schema": schema,
        "description": description,
    }


BEARER = [{"bearer": []}]

LINE_IN = obj({"itemID": ID_INT, "quantity": {"type": "integer", "minimum": 1}})

ADDRESS = obj(
    {
        "name": nullable({"type": "string"}),
        "line1": nullable({"type": "string"}),
        "line2": nullable({"type": "string"}),
        "city": nullable({"type": "string"}),
        "postalCode": nullable({"type": "string"}),
        "country": nullable({"type": "string"}),
    }
)

PRICED_LINE = obj(
    {
        "itemID": ID_INT,
        "name": {"type": "string"},
        "quantity": {"type": "integer"},
        "unitPrice": CENTS,
    }
)

CARD = obj({"brand": nullable({"type": "string"}), "last4": nullable({"type": "string"})})

SCHEMAS: dict[str, Schema] = {
    "Error": {
        "type": "object",
        "required": ["error"],
        "properties": {
            "error": {
                "type": "object",
                "required": ["code", "message"],
                "properties": {
                    "code": {"type": "string", "examples": ["bad_request", "no_open_checkout"]},
                    "message": {"type": "string"},
                },
                "description": "Some errors add fields a client can act on "
                "(e.g. `lines` for out_of_stock, `left` for insufficient_stock).",
            }
        },
        "additionalProperties": False,
    },
    "Line": LINE_IN,
    "PricedLine": PRICED_LINE,
    "Address": ADDRESS,
    "Card": CARD,
    "OrderStatus": {"type": "string", "enum": [s.value for s in OrderStatus]},
    "SuborderStatus": {"type": "string", "enum": [s.value for s in SuborderStatus]},
    # The warehouse a parcel ships from, as the shopper's and the operator's order show it.
    "ParcelWarehouse": obj(
        {"id": ID_INT, "name": {"type": "string"}, "region": nullable({"type": "string"})}
    ),
    "CheckoutStatus": {"type": "string", "enum": [s.value for s in CheckoutStatus]},
}

SECURITY_SCHEMES = {
    "bearer": {
        "type": "http",
        "scheme": "bearer",
        "description": "A token from `POST /api/v1/auth/token`.",
    }
}
