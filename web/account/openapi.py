"""The address book: /api/v1/addresses and /api/v1/addresses/{addressID}
(web/account/api.py)."""

from __future__ import annotations

from web.openapi_components import (
    BEARER,
    ID_INT,
    ISO_INSTANT,
    errors,
    json_body,
    nullable,
    obj,
    path_param,
    ref,
)

ADDRESS_FIELDS = {
    "name": {"type": "string", "maxLength": 200},
    "line1": {"type": "string", "maxLength": 200},
    "line2": {"type": "string", "maxLength": 200},
    "city": {"type": "string", "maxLength": 200},
    "postalCode": {"type": "string", "maxLength": 200},
    "country": {
        "type": "string",
        "description": "An ISO 3166 country name or code; answered as its alpha-2 code.",
        "examples": ["DE", "Germany"],
    },
}
ADDRESS_ID = path_param("addressID", {"type": "string"}, "A saved address of the caller's.")
INVALID = (
    "`invalid_address`: the address cannot be delivered to; `error.fields` has a message "
    "per field (country not in ISO 3166, postal code not of the country's shape, a US ZIP "
    "code that does not exist...). Nothing was saved."
)
THROTTLED = "`too_many_requests`: too many changes in a row; wait `Retry-After` seconds."

SCHEMAS = {
    "AddressInput": obj(
        ADDRESS_FIELDS,
        optional=("line2",),
        description="Every field is checked; each wrong one gets its own message.",
    ),
    "SavedAddress": obj(
        {
            "addressID": ID_INT,
            **{name: {"type": "string"} for name in ADDRESS_FIELDS},
            "lastUsedAt": nullable(ISO_INSTANT),
        }
    ),
    "AddressBook": obj({"addresses": {"type": "array", "items": ref("SavedAddress")}}),
}

PATHS = {
    "/api/v1/addresses": {
        "get": {
            "operationId": "listAddresses",
            "tags": ["accounts"],
            "summary": "The caller's saved addresses, the last used first",
            "security": BEARER,
            "responses": {
                "200": {"description": "The address book.", **json_body(ref("AddressBook"))},
                **errors(401),
            },
        },
        "post": {
            "operationId": "createAddress",
            "tags": ["accounts"],
            "summary": "Save an address",
            "security": BEARER,
            "requestBody": {"required": True, **json_body(ref("AddressInput"))},
            "responses": {
                "201": {
                    "description": "Saved (Location names it).",
                    **json_body(ref("SavedAddress")),
                },
                **errors(
                    400,
                    401,
                    409,
                    422,
                    429,
                    _409="`address_book_full`: 20 addresses already; delete one first.",
                    _422=INVALID,
                    _429=THROTTLED,
                ),
            },
        },
    },
    "/api/v1/addresses/{addressID}": {
        "get": {
            "operationId": "getAddress",
            "parameters": [ADDRESS_ID],
            "tags": ["accounts"],
            "summary": "One saved address",
            "security": BEARER,
            "responses": {
                "200": {"description": "The address.", **json_body(ref("SavedAddress"))},
                **errors(401, 404),
            },
        },
        "put": {
            "operationId": "replaceAddress",
            "parameters": [ADDRESS_ID],
            "tags": ["accounts"],
            "summary": "Replace a saved address",
            "security": BEARER,
            "requestBody": {"required": True, **json_body(ref("AddressInput"))},
            "responses": {
                "200": {"description": "The address as saved.", **json_body(ref("SavedAddress"))},
                **errors(400, 401, 404, 422, 429, _422=INVALID, _429=THROTTLED),
            },
        },
        "delete": {
            "operationId": "deleteAddress",
            "parameters": [ADDRESS_ID],
            "tags": ["accounts"],
            "summary": "Delete a saved address",
            "security": BEARER,
            "responses": {
                "204": {"description": "Deleted."},
                **errors(401, 404, 429, _429=THROTTLED),
            },
        },
    },
}
