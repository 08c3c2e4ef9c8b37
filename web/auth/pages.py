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

from domain.refusals import RefusalKind
from web.auth import use_cases
from web.auth.ports import Accounts
from web.current_user import (
    CurrentUser,
    current_user,
    current_user_id,
    forget_token_user,
    log_in,
    log_out,
    login_required,
    safe_next,
    viewer_for_templates,
)
from web.headers import keep_private
from web.limits import abuse_limits, client_ip, too_many_message
from web.refusals import TABLE, Refused
from web.rendering import render, wants_fragment
from web.services import services

K = RefusalKind
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
        return _login_page(next_url)
    email, password = request.form.get("email", ""), request.form.get("password", "")
    if not email.strip() or not password:
        error = "Enter your email and password."
        return _login_form(422, next_url=next_url, email=email, error=error)
    outcome = use_cases.sign_in(
        _accounts(), abuse_limits(), email=email, password=password, client_ip=client_ip()
    )
    if isinstance(outcome, use_cases.SignedIn):
        log_in(outcome.user)
        return _go_to(next_url)
    status, error = _sign_in_refusal(outcome, "sign-in attempts")
    response = _login_form(status, next_url=next_url, email=email, error=error)
    return _with_retry_after(response, outcome)


@bp.route("/register", methods=["GET", "POST"])
def register_account() -> Response:
    next_url = safe_next(request.values.get("next"))
    if request.method == "GET":
        return _register_form(next_url=next_url)
    email, password = request.form.get("email", ""), request.form.get("password", "")
    outcome = use_cases.register(
        _accounts(), abuse_limits(), email=email, password=password, client_ip=client_ip()
    )
    if isinstance(outcome, use_cases.SignedIn):
        log_in(outcome.user)
        return _go_to(next_url)
    status, errors = _registration_refusal(outcome)
    response = _register_form(status, next_url=next_url, email=email, errors=errors)
    return _with_retry_after(response, outcome)


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
    outcome = use_cases.change_password(
        _accounts(),
        abuse_limits(),
        current_user_id(),
        current=request.form.get("current_password", ""),
        new=request.form.get("new_password", ""),
        client_ip=client_ip(),
    )
    if isinstance(outcome, use_cases.AccountGone):
        raise NotFound()
    if isinstance(outcome, use_cases.SignedIn):
        forget_token_user(outcome.user.id)
        # Every session ended, this one too: start a fresh one for the shopper who changed it.
        log_in(outcome.user)
        return _go_to(url_for("auth.security", notice="password"))
    status, errors = _password_refusal(outcome)
    return _with_retry_after(_password_form(status, errors), outcome)


@bp.post("/account/sign-out-everywhere")
@login_required
def sign_out_everywhere() -> Response:
    user_id = current_user_id()
    use_cases.sign_out_everywhere(_accounts(), user_id)
    forget_token_user(user_id)
    log_out()
    return _go_to(url_for("auth.login"))


_NOTICE = "Password changed. Every other session and API token has ended."


def _accounts() -> Accounts:
    accounts = services().accounts
    assert accounts is not None, "build_services (entrypoints/web_services.py) sets it"
    return accounts


def _sign_in_refusal(outcome: object, what: str) -> tuple[int, str]:
    """A refused sign-in attempt as a status and the message the form shows."""
    if isinstance(outcome, use_cases.Throttled):
        return TABLE[K.TOO_MANY_SIGN_INS].status, too_many_message(what, outcome.verdict)
    if isinstance(outcome, use_cases.ThrottleUnavailable):
        return TABLE[K.SIGN_IN_UNAVAILABLE].status, SIGN_IN_UNAVAILABLE
    return TABLE[K.INVALID_CREDENTIALS].status, WRONG_CREDENTIALS


def _registration_refusal(
    outcome: Refused | use_cases.Throttled,
) -> tuple[int, dict[str, str]]:
    """A refused registration as a status and the form's messages by field."""
    if isinstance(outcome, use_cases.Throttled):
        message = too_many_message("new accounts from your network", outcome.verdict)
        return TABLE[K.TOO_MANY_REGISTRATIONS].status, {"email": message}
    return outcome.status, {outcome.details["field"]: outcome.message}


def _password_refusal(outcome: object) -> tuple[int, dict[str, str]]:
    """A refused password change: the new password's rules, or the current password's check
    (a sign-in attempt, throttled like one)."""
    if isinstance(outcome, Refused):
        return outcome.status, {outcome.details["field"]: outcome.message}
    status, error = _sign_in_refusal(outcome, "sign-in attempts")
    return status, {"current_password": error}


def _login_page(next_url: str) -> Response:
    """A shopper already signed in goes straight on to where the form would have sent them."""
    if current_user() is not None:
        return redirect(next_url, code=303)
    return _login_form(next_url=next_url)


def _with_retry_after(response: Response, outcome: object) -> Response:
    if isinstance(outcome, use_cases.Throttled):
        response.headers["Retry-After"] = str(outcome.verdict.retry_after)
    return response


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
