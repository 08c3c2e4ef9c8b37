"""`POST /api/v1/auth/register` and `POST /api/v1/auth/token`: accounts for API clients.

register {email, password} -> 201 {userID, email}
token    {email, password} -> 200 {token, tokenType: "Bearer", expiresIn}
Send the token as `Authorization: Bearer <token>`; it is signed and expires (see
web/auth/tokens.py). Token requests share the browser's sign-in rate limit (429).
"""

from __future__ import annotations

from flask import Response, request

from web.api import bp
from web.api.json_io import api_error, private_json, read_json_object, require_str
from web.auth.accounts import AccountError, authenticate, password_fingerprint, register
from web.services import services


@bp.post("/auth/register")
def api_register() -> Response:
    payload = read_json_object()
    email, password = require_str(payload, "email"), require_str(payload, "password")
    try:
        user = register(services().sessions, email=email, password=password)
    except AccountError as exc:
        return api_error(409 if exc.code == "email_taken" else 400, exc.code, exc.message)
    return private_json({"userID": user.id, "email": user.email}, 201)


@bp.post("/auth/token")
def api_token() -> Response:
    payload = read_json_object()
    email, password = require_str(payload, "email"), require_str(payload, "password")
    verdict = services().login_limiter.hit(request.remote_addr or "?", email.strip().lower())
    if not verdict.allowed:
        response = api_error(
            429, "too_many_attempts", verdict.message, retryAfter=verdict.retry_after
        )
        response.headers["Retry-After"] = str(verdict.retry_after)
        return response
    user = authenticate(services().sessions, email=email, password=password)
    if user is None:
        response = api_error(401, "invalid_credentials", "Wrong email or password.")
        response.headers["WWW-Authenticate"] = 'Bearer realm="shopflow"'
        return response
    fingerprint = password_fingerprint(user.password_hash, services().settings.secret_key)
    tokens = services().tokens
    return private_json(
        {
            "token": tokens.issue(user.id, fingerprint),
            "tokenType": "Bearer",
            "expiresIn": tokens.ttl_seconds,
        }
    )
