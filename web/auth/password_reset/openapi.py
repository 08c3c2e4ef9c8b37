"""POST /api/v1/auth/password-reset and /password-reset/confirm (web/auth/password_reset/api.py)."""

from __future__ import annotations

from web.openapi_components import errors, json_body, obj, ref

SCHEMAS = {
    "PasswordResetRequest": obj({"email": {"type": "string"}}),
    "PasswordResetAccepted": obj({"message": {"type": "string"}}),
    "PasswordResetConfirm": obj(
        {
            "token": {"type": "string", "description": "From the emailed link's path."},
            "password": {"type": "string", "description": "The new password."},
        }
    ),
}

PATHS = {
    "/api/v1/auth/password-reset": {
        "post": {
            "operationId": "requestPasswordReset",
            "tags": ["accounts"],
            "summary": "Email a single-use reset link (valid 30 minutes) to the account",
            "description": "Answers 202 whether or not an account has that email, so the "
            "answer reveals no account.",
            "security": [],
            "requestBody": {"required": True, **json_body(ref("PasswordResetRequest"))},
            "responses": {
                "202": {
                    "description": "Accepted; a link is mailed if the account exists.",
                    **json_body(ref("PasswordResetAccepted")),
                },
                **errors(
                    400,
                    429,
                    _400="Not a JSON object, or email missing or not a string.",
                    _429="Too many reset requests from this network or for this account "
                    "(`too_many_resets`).",
                ),
            },
        }
    },
    "/api/v1/auth/password-reset/confirm": {
        "post": {
            "operationId": "confirmPasswordReset",
            "tags": ["accounts"],
            "summary": "Set a new password with a reset link's token; every session and "
            "token of the account ends",
            "security": [],
            "requestBody": {"required": True, **json_body(ref("PasswordResetConfirm"))},
            "responses": {
                "204": {"description": "The password is set. Sign in with it."},
                **errors(
                    400,
                    429,
                    _400="Missing fields; the link was used, expired or is unknown "
                    "(`invalid_token`); or the password fails the policy (`weak_password`).",
                    _429="Too many reset attempts from this network (`too_many_resets`).",
                ),
            },
        }
    },
}
