"""`POST /api/v1/auth/password-reset {email}` → 202, whoever asks (it reveals no account);
`POST /api/v1/auth/password-reset/confirm {token, password}` → 204, or 400
(`invalid_token`: used, expired or unknown; `weak_password`). Both 429 past the limits.
"""

from __future__ import annotations

from flask import Blueprint, Response

from domain.refusals import RefusalKind
from web.auth.accounts import normalise_email
from web.auth.password_reset.use_cases import confirm_reset, request_reset
from web.auth.password_reset.wiring import confirm_ports, request_ports
from web.current_user import forget_token_user
from web.json_io import private_json, read_json_object, require_str
from web.limits import Verdict, abuse_limits, client_ip, too_many_message
from web.refusals import Refused, refused_json

bp = Blueprint("api_password_reset", __name__, url_prefix="/api/v1/auth")

ACCEPTED = "If an account has that email, a reset link is on its way to it."


@bp.post("/password-reset")
def api_request_reset() -> Response:
    email = normalise_email(require_str(read_json_object(), "email"))
    verdict = abuse_limits().password_reset(client_ip(), email)
    if not verdict.allowed:
        return _too_many(verdict)
    if email:
        request_reset(email, **request_ports())
    return private_json({"message": ACCEPTED}, 202)


@bp.post("/password-reset/confirm")
def api_confirm_reset() -> Response:
    payload = read_json_object()
    token, password = require_str(payload, "token"), require_str(payload, "password")
    verdict = abuse_limits().password_reset(client_ip())
    if not verdict.allowed:
        return _too_many(verdict)
    outcome = confirm_reset(token, password, **confirm_ports())
    if isinstance(outcome, Refused):
        return refused_json(outcome)
    forget_token_user(outcome.user_id)  # this process forgets whose tokens they were
    response = Response(status=204)
    response.headers["Cache-Control"] = "private, no-store"
    return response


def _too_many(verdict: Verdict) -> Response:
    message = too_many_message("password reset requests", verdict)
    details = {"retryAfter": verdict.retry_after}
    return refused_json(
        Refused(RefusalKind.TOO_MANY_RESETS, message, details, retry_after=verdict.retry_after)
    )
