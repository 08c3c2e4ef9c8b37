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

from domain.refusals import RefusalKind
from web.auth import use_cases
from web.auth.ports import Accounts
from web.current_user import (
    api_login_required,
    api_unauthorized,
    current_user_id,
    fingerprint_of,
    forget_token_user,
)
from web.json_io import api_error, private_json, read_json_object, require_str
from web.limits import abuse_limits, client_ip, too_many_message
from web.refusals import Refused, refused_json
from web.services import services

K = RefusalKind
bp = Blueprint("api_auth", __name__, url_prefix="/api/v1")

_UNAVAILABLE = "Signing in is unavailable; retry shortly."


@bp.post("/auth/register")
def api_register() -> Response:
    payload = read_json_object()
    email, password = require_str(payload, "email"), require_str(payload, "password")
    outcome = use_cases.register(
        _accounts(), abuse_limits(), email=email, password=password, client_ip=client_ip()
    )
    if isinstance(outcome, use_cases.Throttled):
        return _too_many(K.TOO_MANY_REGISTRATIONS, "new accounts from your network", outcome)
    if isinstance(outcome, Refused):
        return _refused(outcome)
    return private_json({"userID": outcome.user.id, "email": outcome.user.email}, 201)


@bp.post("/auth/token")
def api_token() -> Response:
    payload = read_json_object()
    email, password = require_str(payload, "email"), require_str(payload, "password")
    outcome = use_cases.issue_token(
        _accounts(),
        abuse_limits(),
        services().tokens,
        fingerprint_of,
        email=email,
        password=password,
        client_ip=client_ip(),
    )
    if isinstance(outcome, use_cases.TokenIssued):
        body = {"token": outcome.token, "tokenType": "Bearer", "expiresIn": outcome.expires_in}
        return private_json(body)
    return _sign_in_refused(outcome)


@bp.post("/auth/password")
@api_login_required
def api_change_password() -> Response:
    payload = read_json_object()
    current, new = require_str(payload, "currentPassword"), require_str(payload, "newPassword")
    user_id = current_user_id()
    outcome = use_cases.change_password(
        _accounts(), abuse_limits(), user_id, current=current, new=new, client_ip=client_ip()
    )
    if isinstance(outcome, use_cases.SignedIn):
        forget_token_user(user_id)
        return _no_content()
    if isinstance(outcome, Refused):
        return _refused(outcome)
    if isinstance(outcome, use_cases.AccountGone):
        return api_unauthorized()
    return _sign_in_refused(outcome)


@bp.post("/auth/sign-out-everywhere")
@api_login_required
def api_sign_out_everywhere() -> Response:
    user_id = current_user_id()
    use_cases.sign_out_everywhere(_accounts(), user_id)
    forget_token_user(user_id)
    return _no_content()


def _accounts() -> Accounts:
    accounts = services().accounts
    assert accounts is not None, "build_services (entrypoints/web_services.py) sets it"
    return accounts


def _refused(outcome: Refused) -> Response:
    """An account rule's refusal: its status and code from web/refusals.py (the form
    field it points at is for the pages only)."""
    return api_error(outcome.status, outcome.code, outcome.message)


def _sign_in_refused(
    outcome: use_cases.WrongCredentials | use_cases.Throttled | use_cases.ThrottleUnavailable,
) -> Response:
    """A sign-in attempt refused (a token request, or the current password of a change)."""
    if isinstance(outcome, use_cases.Throttled):
        return _too_many(K.TOO_MANY_SIGN_INS, "sign-in attempts", outcome)
    if isinstance(outcome, use_cases.ThrottleUnavailable):
        return _refused(Refused(K.SIGN_IN_UNAVAILABLE, _UNAVAILABLE))
    response = _refused(Refused(K.INVALID_CREDENTIALS, "Wrong email or password."))
    response.headers["WWW-Authenticate"] = 'Bearer realm="shopflow"'
    return response


def _too_many(kind: RefusalKind, what: str, outcome: use_cases.Throttled) -> Response:
    verdict = outcome.verdict
    message = too_many_message(what, verdict)
    details = {"retryAfter": verdict.retry_after}
    return refused_json(Refused(kind, message, details, retry_after=verdict.retry_after))


def _no_content() -> Response:
    response = Response(status=204)
    response.headers["Cache-Control"] = "private, no-store"
    return response
