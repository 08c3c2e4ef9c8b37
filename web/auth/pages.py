"""Register, sign in, sign out, change password, sign out everywhere in the browser. Forms work without JavaScript; with htmx
they post in place (the form fragment comes back with its messages) and a success
sends the browser on with HX-Redirect.

Statuses: 422 for input the store can't accept, 409 for a taken email, 401 for a
wrong email or password, 429 when sign-in attempts or registrations are throttled,
503 when the throttle cannot be asked (sign-in fails closed; web/limits.py).
"""

from __future__ import annotations

from flask import Blueprint, Response, redirect, request, url_for
from htmx_flask import make_response as htmx_response
from werkzeug.exceptions import NotFound

from db.postgres.users import UserRecord, find_user_by_id
from web.auth import accounts
from web.auth.accounts import AccountError, authenticate, normalise_email, register
from web.current_user import (
    CurrentUser,
    current_user,
    forget_token_user,
    log_in,
    log_out,
    login_required,
    safe_next,
    viewer_for_templates,
)
from web.headers import keep_private
from web.limits import LimiterUnavailable, abuse_limits, client_ip, too_many_message
from web.rendering import render, wants_fragment
from web.services import services

bp = Blueprint("auth", __name__)
keep_private(bp)

WRONG_CREDENTIALS = "Wrong email or password."
SIGN_IN_UNAVAILABLE = "Signing in is unavailable for a moment. Please try again shortly."


@bp.app_template_global("viewer")
def viewer() -> CurrentUser | None:
    """Who the page header greets (never raises, even on a database-down error page)."""
    return viewer_for_templates()


@bp.route("/login", methods=["GET", "POST"])
def login() -> Response:
    next_url = safe_next(request.values.get("next"))
    if request.method == "GET":
        if current_user() is not None:
            return redirect(next_url, code=303)
        return _login_form(next_url=next_url)

    email = request.form.get("email", "")
    password = request.form.get("password", "")
    if not email.strip() or not password:
        return _login_form(
            422, next_url=next_url, email=email, error="Enter your email and password."
        )
    try:
        verdict = abuse_limits().login(client_ip(), normalise_email(email))
    except LimiterUnavailable:
        return _login_form(503, next_url=next_url, email=email, error=SIGN_IN_UNAVAILABLE)
    if not verdict.allowed:
        message = too_many_message("sign-in attempts", verdict)
        response = _login_form(429, next_url=next_url, email=email, error=message)
        response.headers["Retry-After"] = str(verdict.retry_after)
        return response
    user = authenticate(services().sessions, email=email, password=password)
    if user is None:
        abuse_limits().login_failed(client_ip(), normalise_email(email))
        return _login_form(401, next_url=next_url, email=email, error=WRONG_CREDENTIALS)
    log_in(user)
    return _go_to(next_url)


@bp.route("/register", methods=["GET", "POST"])
def register_account() -> Response:
    next_url = safe_next(request.values.get("next"))
    if request.method == "GET":
        return _register_form(next_url=next_url)

    email = request.form.get("email", "")
    password = request.form.get("password", "")
    verdict = abuse_limits().registration(client_ip())
    if not verdict.allowed:
        message = too_many_message("new accounts from your network", verdict)
        response = _register_form(429, next_url=next_url, email=email, errors={"email": message})
        response.headers["Retry-After"] = str(verdict.retry_after)
        return response
    try:
        user = register(services().sessions, email=email, password=password)
    except AccountError as exc:
        status = 409 if exc.code == "email_taken" else 422
        return _register_form(
            status, next_url=next_url, email=email, errors={exc.field: exc.message}
        )
    log_in(user)
    return _go_to(next_url)


@bp.post("/logout")
def logout() -> Response:
    log_out()
    return _go_to("/")


@bp.get("/account/security")
@login_required
def security() -> Response:
    notice = _NOTICE if request.args.get("notice") == "password" else None
    return render("auth/security.html", "auth/security.html", notice=notice)


@bp.post("/account/password")
@login_required
def change_password() -> Response:
    user = _record_of_current_user()
    # The current password is a sign-in attempt: throttled and counted the same way.
    try:
        verdict = abuse_limits().login(client_ip(), user.email)
    except LimiterUnavailable:
        return _password_form(503, {"current_password": SIGN_IN_UNAVAILABLE})
    if not verdict.allowed:
        message = too_many_message("sign-in attempts", verdict)
        response = _password_form(429, {"current_password": message})
        response.headers["Retry-After"] = str(verdict.retry_after)
        return response
    try:
        accounts.change_password(
            services().sessions,
            user,
            current=request.form.get("current_password", ""),
            new=request.form.get("new_password", ""),
        )
    except AccountError as exc:
        if isinstance(exc, accounts.WrongPassword):
            abuse_limits().login_failed(client_ip(), user.email)
        status = 401 if isinstance(exc, accounts.WrongPassword) else 422
        return _password_form(status, {exc.field: exc.message})
    forget_token_user(user.id)
    # Every session ended, this one too: start a fresh one for the shopper who changed it.
    log_in(_record_of(user.id))
    return _go_to(url_for("auth.security", notice="password"))


@bp.post("/account/sign-out-everywhere")
@login_required
def sign_out_everywhere() -> Response:
    user_id = _record_of_current_user().id
    accounts.sign_out_everywhere(services().sessions, user_id)
    forget_token_user(user_id)
    log_out()
    return _go_to(url_for("auth.login"))


_NOTICE = "Password changed. Every other session and API token has ended."


def _record_of_current_user() -> UserRecord:
    user = current_user()
    assert user is not None  # login_required
    return _record_of(user.id)


def _record_of(user_id: int) -> UserRecord:
    with services().sessions() as db:
        record = find_user_by_id(db, user_id)
    if record is None:
        raise NotFound()
    return record


def _login_form(status: int = 200, **context) -> Response:
    return render("auth/login.html", "auth/partials/login_form.html", status=status, **context)


def _password_form(status: int, errors: dict[str, str]) -> Response:
    return render(
        "auth/security.html", "auth/partials/password_form.html", status=status, errors=errors
    )


def _register_form(status: int = 200, **context) -> Response:
    context.setdefault("errors", {})
    return render(
        "auth/register.html", "auth/partials/register_form.html", status=status, **context
    )


def _go_to(url: str) -> Response:
    """After signing in or out the whole page changes (header, CSRF token): a full navigation."""
    if wants_fragment():
        return htmx_response("", 200, redirect=url)
    return redirect(url, code=303)
