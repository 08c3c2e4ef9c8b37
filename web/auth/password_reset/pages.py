"""The reset pages: ask for a link (/password-reset), then choose a new password
(/password-reset/<token>, the emailed link). Forms work without JavaScript; with htmx
they post in place. Statuses: 422 for a new password the policy refuses, 400 for a
used, expired or unknown link, 429 past the limits."""

from __future__ import annotations

from flask import Blueprint, Response, request

from web.auth.accounts import check_email, normalise_email
from web.auth.password_reset.use_cases import (
    BadLink,
    WeakNewPassword,
    confirm_reset,
    link_is_valid,
    request_reset,
)
from web.auth.password_reset.wiring import confirm_ports, request_ports, reset_ports
from web.current_user import forget_token_user
from web.headers import keep_private
from web.limits import abuse_limits, client_ip, too_many_message
from web.rendering import render

bp = Blueprint("password_reset", __name__)
keep_private(bp)

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
        response = render(FULL, ASK, status=429, step="ask", email=email, error=message)
        response.headers["Retry-After"] = str(verdict.retry_after)
        return response
    try:
        address = check_email(email)
    except ValueError as invalid:
        return render(FULL, ASK, status=422, step="ask", email=email, error=str(invalid))
    request_reset(address, **request_ports())
    return render(FULL, ASK, step="ask", sent=True, email=address)


@bp.route("/password-reset/<token>", methods=["GET", "POST"])
def choose(token: str) -> Response:
    if request.method == "GET":
        if not link_is_valid(token, **reset_ports()):
            return render(FULL, CHOOSE, status=400, step="choose", error=BadLink().message)
        return render(FULL, CHOOSE, step="choose", token=token)
    verdict = abuse_limits().password_reset(client_ip())
    if not verdict.allowed:
        message = too_many_message("password reset attempts", verdict)
        return render(FULL, CHOOSE, status=429, step="choose", token=token, error=message)
    outcome = confirm_reset(token, request.form.get("password", ""), **confirm_ports())
    if isinstance(outcome, BadLink):
        return render(FULL, CHOOSE, status=400, step="choose", error=outcome.message)
    if isinstance(outcome, WeakNewPassword):
        return render(FULL, CHOOSE, status=422, step="choose", token=token, error=outcome.message)
    forget_token_user(outcome.user_id)
    return render(FULL, CHOOSE, step="choose", done=True)
