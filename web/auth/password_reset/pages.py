"""The reset pages: ask for a link (/password-reset), then choose a new password
(/password-reset/<token>, the emailed link). Forms work without JavaScript; with htmx
they post in place. Statuses are web/refusals.py's, as the API's: 400 for a new password
the policy refuses or a used, expired or unknown link, 429 past the limits."""

from __future__ import annotations

from flask import Blueprint, Response, request

from domain.refusals import RefusalKind
from web.auth.accounts import AccountError, check_email, normalise_email
from web.auth.password_reset.use_cases import (
    BAD_LINK,
    confirm_reset,
    link_is_valid,
    request_reset,
)
from web.auth.password_reset.wiring import confirm_ports, request_ports, reset_ports
from web.current_user import forget_token_user
from web.headers import keep_private
from web.limits import abuse_limits, client_ip, too_many_message
from web.refusals import TABLE, Refused
from web.rendering import render

bp = Blueprint("password_reset", __name__)
keep_private(bp)

TOO_MANY = TABLE[RefusalKind.TOO_MANY_RESETS].status
FULL, ASK, CHOOSE = (
    "password_reset/show.html",
    "password_reset/partials/ask_form.html",
    "password_reset/partials/choose_form.html",
)


@bp.route("/password-reset", methods=["GET", "POST"])
def ask() -> Response:
    if request.method == "GET":
        return render(FULL, ASK, step="ask")
    email = request.form.get("email", "")
    verdict = abuse_limits().password_reset(client_ip(), normalise_email(email))
    if not verdict.allowed:
        message = too_many_message("password reset requests", verdict)
        response = render(FULL, ASK, status=TOO_MANY, step="ask", email=email, error=message)
        response.headers["Retry-After"] = str(verdict.retry_after)
        return response
    try:
        address = check_email(email)
    except AccountError as invalid:
        status = TABLE[invalid.kind].status
        return render(FULL, ASK, status=status, step="ask", email=email, error=invalid.message)
    request_reset(address, **request_ports())
    return render(FULL, ASK, step="ask", sent=True, email=address)


@bp.route("/password-reset/<token>", methods=["GET", "POST"])
def choose(token: str) -> Response:
    if request.method == "GET":
        if not link_is_valid(token, **reset_ports()):
            return render(
                FULL, CHOOSE, status=BAD_LINK.status, step="choose", error=BAD_LINK.message
            )
        return render(FULL, CHOOSE, step="choose", token=token)
    verdict = abuse_limits().password_reset(client_ip())
    if not verdict.allowed:
        message = too_many_message("password reset attempts", verdict)
        return render(FULL, CHOOSE, status=TOO_MANY, step="choose", token=token, error=message)
    outcome = confirm_reset(token, request.form.get("password", ""), **confirm_ports())
    if isinstance(outcome, Refused):
        token_kept = token if outcome.kind is RefusalKind.WEAK_PASSWORD else None
        context = {"token": token_kept} if token_kept else {}
        return render(
            FULL, CHOOSE, status=outcome.status, step="choose", error=outcome.message, **context
        )
    forget_token_user(outcome.user_id)
    return render(FULL, CHOOSE, step="choose", done=True)
