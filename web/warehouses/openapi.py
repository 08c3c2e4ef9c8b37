"""The warehouse staff API under /api/v1/warehouses (web/warehouses/api.py)."""

from __future__ import annotations

from domain.stock import MAX_CORRECTION_NOTE, CorrectionReason
from web.openapi_components import (
    BEARER,
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
from web.warehouses.parsing import DEFAULT_LIMIT, MAX_LIMIT

SUBORDER_FIELDS = {
    "suborderID": {"type": "string"},
    "orderID": {"type": "string"},
    "warehouseID": ID_INT,
    "status": ref("SuborderStatus"),
    "createdAt": nullable(ISO_INSTANT),
    "shippedAt": nullable(ISO_INSTANT),
    "deliveredAt": nullable(ISO_INSTANT),
    "shippingAddress": ref("Address"),
    "lines": {"type": "array", "items": ref("SuborderLine")},
    "new": {
        "type": "boolean",
        "description": "ASSIGNED only: arrived since the portal last looked.",
    },
}

SCHEMAS = {
    "Warehouse": obj(
        {
            "warehouseID": ID_INT,
            "name": {"type": "string"},
            "region": nullable({"type": "string"}),
            "active": {"type": "boolean"},
            "assignedCount": {"type": "integer", "minimum": 0},
        }
    ),
    "Suborder": obj(SUBORDER_FIELDS, optional=("new",)),
    "Restock": obj(
        {
            "itemID": {"type": "integer"},
            "quantity": {
                "type": "integer",
                "description": "Units received; negative: units removed (a correction down, "
                "which needs a `reason`).",
            },
            "reason": {"type": "string", "enum": list(CorrectionReason)},
            "note": {
                "type": "string",
                "maxLength": MAX_CORRECTION_NOTE,
                "description": 'What happened; required with reason "other".',
            },
        },
        optional=("reason", "note"),
    ),
    "StockCorrection": obj(
        {
            "warehouseID": ID_INT,
            "itemID": ID_INT,
            "name": {"type": "string"},
            "quantity": {"type": "integer", "description": "Negative: the units removed."},
            "reason": {"type": "string", "enum": list(CorrectionReason)},
            "note": {"type": "string"},
            "by": nullable({**ID_INT, "description": "The staff account that corrected."}),
            "at": ISO_INSTANT,
            "physicalStock": {"type": "integer"},
            "availableStock": {"type": "integer"},
            "aggregatedStock": {"type": "integer"},
            "searchIndexUpdated": {"type": "boolean"},
            "message": {"type": "string"},
        },
        optional=("searchIndexUpdated", "message"),
    ),
    "Restocked": obj(
        {
            "warehouseID": ID_INT,
            "itemID": ID_INT,
            "name": {"type": "string"},
            "quantity": {"type": "integer"},
            "physicalStock": {"type": "integer"},
            "availableStock": {"type": "integer"},
            "aggregatedStock": {"type": "integer"},
            "searchIndexUpdated": {"type": "boolean"},
            "message": {"type": "string"},
        },
        optional=("message",),
    ),
}

WAREHOUSE_ID = path_param("warehouseID", {"type": "string"}, "The warehouse's id.")
SUBORDER_ID = path_param("suborderID", {"type": "string"}, "The suborder's id.")
STAFF = (
    "A warehouse worker's bearer token (its own warehouses only: another warehouse is a 404) "
    "or an operator's or admin's (every warehouse). A shopper's token is a 403."
)


def _suborder_action(operation_id: str, summary: str, conflict: str) -> dict:
    return {
        "post": {
            "operationId": operation_id,
            "tags": ["warehouses"],
            "summary": summary,
            "description": STAFF,
            "security": BEARER,
            "parameters": [WAREHOUSE_ID, SUBORDER_ID],
            "responses": {
                "200": {"description": "The suborder now.", **json_body(ref("Suborder"))},
                **errors(400, 401, 403, 404, 409, _409=conflict),
            },
        }
    }


PATHS = {
    "/api/v1/warehouses": {
        "get": {
            "operationId": "listWarehouses",
            "tags": ["warehouses"],
            "summary": "Every warehouse with its count of suborders to ship",
            "description": STAFF,
            "security": BEARER,
            "responses": {
                "200": {
                    "description": "The warehouses.",
                    **json_body(obj({"warehouses": {"type": "array", "items": ref("Warehouse")}})),
                },
                **errors(401, 403),
            },
        }
    },
    "/api/v1/warehouses/{warehouseID}/suborders": {
        "get": {
            "operationId": "listSuborders",
            "tags": ["warehouses"],
            "summary": "A warehouse's suborders in one status, oldest first",
            "description": STAFF,
            "security": BEARER,
            "parameters": [
                WAREHOUSE_ID,
                query_param(
                    "status", ref("SuborderStatus"), "Default ASSIGNED (the queue to ship)."
                ),
                query_param(
                    "limit",
                    {"type": "integer", "minimum": 1, "maximum": MAX_LIMIT},
                    f"Suborders per page (default {DEFAULT_LIMIT}).",
                ),
                query_param("nextCursor", {"type": "string"}, "From the previous page."),
            ],
            "responses": {
                "200": {
                    "description": "One page of suborders.",
                    **json_body(
                        obj(
                            {
                                "warehouseID": ID_INT,
                                "status": ref("SuborderStatus"),
                                "suborders": {"type": "array", "items": ref("Suborder")},
                                "nextCursor": nullable({"type": "string"}),
                                "limit": {"type": "integer"},
                            }
                        )
                    ),
                },
                **errors(400, 401, 403, 404),
            },
        }
    },
    "/api/v1/warehouses/{warehouseID}/suborders/{suborderID}/ship": _suborder_action(
        "shipSuborder", "Mark a suborder shipped", "The suborder was cancelled: never ship it."
    ),
    "/api/v1/warehouses/{warehouseID}/suborders/{suborderID}/deliver": _suborder_action(
        "deliverSuborder",
        "Mark a suborder delivered",
        "Not shipped yet, or cancelled.",
    ),
    "/api/v1/warehouses/{warehouseID}/restock": {
        "post": {
            "operationId": "restock",
            "tags": ["warehouses"],
            "summary": "Record units arriving at a warehouse, or correct its stock down",
            "description": STAFF
            + " `Idempotency-Key` makes a retry safe: the same key and body answer the same "
            "and add the units once (the key is kept with the units in PostgreSQL); the same "
            "key with another item or quantity is a 422. A negative `quantity` with a "
            "`reason` removes units (docs/staff.md): at most what is free on this shelf and "
            "promised to no order or checkout; asking more is a 409 `too_many_to_remove` "
            "whose `removable` says how many may go. Recorded with who, when and why.",
            "security": BEARER,
            "parameters": [
                WAREHOUSE_ID,
                {
                    "name": "Idempotency-Key",
                    "in": "header",
                    "schema": {"type": "string", "minLength": 1, "maxLength": 255},
                    "description": "Repeat a restock safely: the same key adds the units once.",
                },
            ],
            "requestBody": {"required": True, **json_body(ref("Restock"))},
            "responses": {
                "200": {
                    "description": "The stock now.",
                    **json_body({"anyOf": [ref("Restocked"), ref("StockCorrection")]}),
                },
                **errors(
                    400,
                    401,
                    403,
                    404,
                    409,
                    422,
                    _409="The warehouse is not active, more units than may go were asked "
                    "to be removed (`removable`), or a restock with this key is still being "
                    "recorded.",
                    _422="The Idempotency-Key was used before for another item or quantity.",
                ),
            },
        }
    },
    "/api/v1/warehouses/{warehouseID}/corrections": {
        "get": {
            "operationId": "listStockCorrections",
            "tags": ["warehouses"],
            "summary": "A warehouse's latest corrections down, newest first",
            "description": STAFF,
            "security": BEARER,
            "parameters": [WAREHOUSE_ID],
            "responses": {
                "200": {
                    "description": "The latest corrections.",
                    **json_body(
                        obj({"corrections": {"type": "array", "items": ref("StockCorrection")}})
                    ),
                },
                **errors(400, 401, 403, 404),
            },
        }
    },
}
