"""`POST /api/v1/auth/register` and `POST /api/v1/auth/token`: accounts for API clients.

register {email, password} -> 201 {userID, email}
token    {email, password} -> 200 {token, tokenType: "Bearer", expiresIn}
password {currentPassword, newPassword} (Bearer) -> 204; every token and session ends
sign-out-everywhere (Bearer) -> 204; every token and browser session of the account ends
Send the token as `Authorization: Bearer <token>`; it is signed and expires (see
web/api_tokens.py). Token requests share the browser's sign-in limits (429; 503 when they cannot be
checked), registrations are limited per client IP (web/limits.py).
"""

from __future__ import annotations

from flask import Blueprint, Response

from db.postgres.users import UserRecord, find_user_by_id
from web.auth.accounts import (
    AccountError,
    WrongPassword,
    authenticate,
    change_password,
    normalise_email,
    register,
    sign_out_everywhere,
)
from web.current_user import (
    api_login_required,
    current_user,
    fingerprint_of,
    forget_token_user,
)
from web.json_io import api_error, private_json, read_json_object, require_str
from web.limits import LimiterUnavailable, Verdict, abuse_limits, client_ip, too_many_message
from web.services import services

bp = Blueprint("api_auth", __name__, url_prefix="/api/v1")


@bp.post("/auth/register")
def api_register() -> Response:
    payload = read_json_object()
    email, password = require_str(payload, "email"), require_str(payload, "password")
    verdict = abuse_limits().registration(client_ip())
    if not verdict.allowed:
        return _too_many("too_many_registrations", "new accounts from your network", verdict)
    try:
        user = register(services().sessions, email=email, password=password)
    except AccountError as exc:
        return api_error(409 if exc.code == "email_taken" else 400, exc.code, exc.message)
    return private_json({"userID": user.id, "email": user.email}, 201)


@bp.post("/auth/token")
def api_token() -> Response:
    payload = read_json_object()
    email, password = require_str(payload, "email"), require_str(payload, "password")
    try:
        verdict = abuse_limits().login(client_ip(), normalise_email(email))
    except LimiterUnavailable:
        return api_error(503, "sign_in_unavailable", "Signing in is unavailable; retry shortly.")
    if not verdict.allowed:
        return _too_many("too_many_attempts", "sign-in attempts", verdict)
    user = authenticate(services().sessions, email=email, password=password)
    if user is None:
        abuse_limits().login_failed(client_ip(), normalise_email(email))
        response = api_error(401, "invalid_credentials", "Wrong email or password.")
        response.headers["WWW-Authenticate"] = 'Bearer realm="shopflow"'
        return response
    fingerprint = fingerprint_of(user)
    tokens = services().tokens
    return private_json(
        {
            "token": tokens.issue(user.id, fingerprint),
            "tokenType": "Bearer",
            "expiresIn": tokens.ttl_seconds,
        }
    )


@bp.post("/auth/password")
@api_login_required
def api_change_password() -> Response:
    payload = read_json_object()
    current, new = require_str(payload, "currentPassword"), require_str(payload, "newPassword")
    user = _current_record()
    # The current password is a sign-in attempt: throttled and counted the same way.
    try:
        verdict = abuse_limits().login(client_ip(), user.email)
    except LimiterUnavailable:
        return api_error(503, "sign_in_unavailable", "Signing in is unavailable; retry shortly.")
    if not verdict.allowed:
        return _too_many("too_many_attempts", "sign-in attempts", verdict)
    try:
        change_password(services().sessions, user, current=current, new=new)
    except AccountError as exc:
        if isinstance(exc, WrongPassword):
            abuse_limits().login_failed(client_ip(), user.email)
        return api_error(403 if isinstance(exc, WrongPassword) else 400, exc.code, exc.message)
    forget_token_user(user.id)
    return _no_content()


@bp.post("/auth/sign-out-everywhere")
@api_login_required
def api_sign_out_everywhere() -> Response:
    user_id = _current_record().id
    sign_out_everywhere(services().sessions, user_id)
    forget_token_user(user_id)
    return _no_content()


def _too_many(code: str, what: str, verdict: Verdict) -> Response:
    response = api_error(429, code, too_many_message(what, verdict), retryAfter=verdict.retry_after)
    response.headers["Retry-After"] = str(verdict.retry_after)
    return response


def _current_record() -> UserRecord:
    user = current_user()
    assert user is not None  # api_login_required
    with services().sessions() as db:
        record = find_user_by_id(db, user.id)
    assert record is not None  # current_user() just loaded it
    return record


def _no_content() -> Response:
    response = Response(status=204)
    response.headers["Cache-Control"] = "private, no-store"
    return response
