"""POST /api/v1/auth/register, /token, /password and /sign-out-everywhere (web/auth/api.py)."""

from __future__ import annotations

from web.openapi_components import BEARER, errors, json_body, obj, ref

CREDENTIALS = obj({"email": {"type": "string"}, "password": {"type": "string"}})

SCHEMAS = {
    "Credentials": CREDENTIALS,
    "PasswordChange": obj(
        {"currentPassword": {"type": "string"}, "newPassword": {"type": "string"}}
    ),
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
                    429,
                    _400="Missing fields, wrong types, an invalid email or a weak password.",
                    _409="An account with that email already exists (`email_taken`).",
                    _429="Too many new accounts from this network (`too_many_registrations`).",
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
                **errors(
                    400,
                    401,
                    429,
                    503,
                    _401="Wrong email or password.",
                    _429="Too many sign-in attempts from this network or for this account.",
                    _503="The sign-in limits cannot be checked (Redis down): sign-in fails "
                    "closed (`sign_in_unavailable`).",
                ),
            },
        }
    },
    "/api/v1/auth/password": {
        "post": {
            "operationId": "changePassword",
            "tags": ["accounts"],
            "summary": "Change the password; every token and browser session ends",
            "security": BEARER,
            "requestBody": {"required": True, **json_body(ref("PasswordChange"))},
            "responses": {
                "204": {"description": "Changed. Get a new token with the new password."},
                **errors(
                    400,
                    401,
                    403,
                    _400="Missing fields, wrong types or a weak new password.",
                    _403="The current password is wrong (`wrong_password`).",
                ),
            },
        }
    },
    "/api/v1/auth/sign-out-everywhere": {
        "post": {
            "operationId": "signOutEverywhere",
            "tags": ["accounts"],
            "summary": "End every browser session and revoke every token of this account",
            "security": BEARER,
            "responses": {
                "204": {"description": "Done; this token is revoked too."},
                **errors(401),
            },
        }
    },
}
