"""POST /api/v1/auth/register and /api/v1/auth/token (web/api/auth.py)."""

from __future__ import annotations

from web.api.openapi.components import errors, json_body, obj, ref

CREDENTIALS = obj({"email": {"type": "string"}, "password": {"type": "string"}})

SCHEMAS = {
    "Credentials": CREDENTIALS,
    "Account": obj({"userID": {"type": "integer"}, "email": {"type": "string"}}),
    "Token": obj(
        {
            "token": {"type": "string"},
            "tokenType": {"const": "Bearer"},
            "expiresIn": {"type": "integer", "description": "Seconds."},
        }
    ),
}

PATHS = {
    "/api/v1/auth/register": {
        "post": {
            "operationId": "register",
            "tags": ["accounts"],
            "summary": "Create a shopper account",
            "security": [],
            "requestBody": {"required": True, **json_body(ref("Credentials"))},
            "responses": {
                "201": {"description": "The new account.", **json_body(ref("Account"))},
                **errors(
                    400,
                    409,
                    _400="Missing fields, wrong types, an invalid email or a weak password.",
                    _409="An account with that email already exists (`email_taken`).",
                ),
            },
        }
    },
    "/api/v1/auth/token": {
        "post": {
            "operationId": "issueToken",
            "tags": ["accounts"],
            "summary": "Exchange email and password for a bearer token",
            "security": [],
            "requestBody": {"required": True, **json_body(ref("Credentials"))},
            "responses": {
                "200": {"description": "A signed, expiring token.", **json_body(ref("Token"))},
                **errors(400, 401, 429, _401="Wrong email or password."),
            },
        }
    },
}
