"""Who is asking: `current_user()`, and the decorators that insist on someone.

Browser pages know the shopper from the session cookie; the JSON API (/api/...) knows
them only from `Authorization: Bearer <token>` (or `Authentication: Bearer <token>`,
as the design write-up spells it; both sent and different is a 400) and never reads
the cookie, which is why the API needs no CSRF token. A session's user is loaded from PostgreSQL once per
request (cached on `g`), so a deleted account or a changed password signs out every
old session at once; a bearer token's user is remembered for API_USER_CACHE_SECONDS
per process (web/recent_users.py), so old tokens stop within that.

Accounts and browser sessions are read through the ports `services().accounts` and
`services().browser_sessions` (web/auth/ports.py), so the fast tests pass fakes.
A browser session is a row in `user_sessions` named by the signed cookie: signing
out deletes the row, so a copy of the old cookie replayed later is signed out too; a
session unused for SESSION_IDLE_SECONDS, or older than SESSION_ABSOLUTE_SECONDS, is
deleted when next seen; signing in always starts a new row and a new cookie;
"sign out everywhere" and a password change delete every row of the account and
bump its auth epoch, which every API token's fingerprint includes.

    from web.current_user import api_login_required, current_user, login_required

    @bp.get("/orders")
    @login_required                 # page: redirect to /login?next=... (htmx: HX-Redirect)
    def orders(): user = current_user(); ...

    @api.get("/orders")
    @api_login_required             # API: 401 JSON + WWW-Authenticate: Bearer
    def api_orders(): user = current_user(); ...
"""

from __future__ import annotations

import functools
import hashlib
import hmac
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeVar
from urllib.parse import urlsplit

from flask import Flask, Response, current_app, g, jsonify, redirect, request, session, url_for
from htmx_flask import make_response as htmx_response
from sqlalchemy.exc import SQLAlchemyError
from werkzeug.exceptions import Forbidden

from db.postgres.users import UserRecord
from domain.roles import Access, Permission
from web.api_tokens import InvalidToken
from web.errors import BadRequest, is_api_request
from web.recent_users import RecentUsers
from web.services import EXTENSION_KEY, services
from web.sign_in_events import signed_in

F = TypeVar("F", bound=Callable[..., Any])

SESSION_USER = "user_id"
SESSION_EMAIL = "email"  # shown in the header even when the database is down
SESSION_FINGERPRINT = "auth"
SESSION_ID = "sid"  # the user_sessions row
_MISSING = object()
RECENT_USERS_KEY = "shopflow.recent_users"
# Where a bearer token may come: the standard header, and the write-up's spelling.
CREDENTIAL_HEADERS = ("Authorization", "Authentication")


def password_fingerprint(password_hash: str, secret_key: str, auth_epoch: int = 0) -> str:
    """A short keyed digest of the hash and the account's auth epoch: sessions and tokens
    carry it, so a new password (a new salted hash) or "sign out everywhere" (a new
    epoch) revokes every session and token issued before."""
    material = password_hash if auth_epoch == 0 else f"{password_hash}#{auth_epoch}"
    digest = hmac.new(secret_key.encode(), material.encode(), hashlib.sha256)
    return digest.hexdigest()[:16]


@dataclass(frozen=True)
class CurrentUser:
    id: int
    email: str
    role: str
    warehouses: frozenset[int] = frozenset()  # a warehouse worker's (domain/roles.py)

    @property
    def access(self) -> Access:
        return Access(self.role, self.warehouses)

    @property
    def is_staff(self) -> bool:
        return self.access.is_staff

    def may(self, permission: Permission) -> bool:
        return self.access.may(permission)

    @property
    def works_the_order_desk(self) -> bool:
        """The page header's "Order desk" link (web/staff_orders/)."""
        return self.may(Permission.ORDER_DESK)


def current_user() -> CurrentUser | None:
    """The signed-in user for this request, or None."""
    cached = g.get("_current_user", _MISSING)
    if cached is _MISSING:
        cached = _user_from_token() if is_api_request() else _user_from_session()
        g._current_user = cached
    return cached


def bearer_or_session_user() -> CurrentUser | None:
    """For endpoints outside /api that other tools call too (the codec server): a bearer
    token when one is sent (the temporal CLI's --codec-auth), else the session cookie
    (the Web UI sends the staff member's cookie)."""
    if bearer_header():
        return _user_from_token()
    return current_user()


def current_user_id() -> int:
    """The signed-in user's id, in a view behind @login_required / @api_login_required."""
    user = current_user()
    assert user is not None, "current_user_id() outside @login_required/@api_login_required"
    return user.id


def log_in(user: UserRecord) -> None:
    """Start a fresh session for `user` (a new session id and CSRF token: no fixation);
    features that carry something over from the signed-out session (the guest cart)
    hear of it through `signed_in` (web/sign_in_events.py)."""
    previous = dict(session)
    _end_server_session()
    session.clear()
    session[SESSION_ID] = _browser_sessions().start(user.id)
    session[SESSION_USER] = user.id
    session[SESSION_EMAIL] = user.email
    session[SESSION_FINGERPRINT] = _fingerprint(user)
    g._current_user = _public(user)
    signed_in.send(current_app._get_current_object(), user_id=user.id, previous=previous)


def log_out() -> None:
    _end_server_session()
    session.clear()
    g._current_user = None


def _end_server_session() -> None:
    session_id = session.get(SESSION_ID)
    if isinstance(session_id, str):
        _browser_sessions().end(session_id)


def login_required(view: F) -> F:
    """For pages: anonymous visitors go to the login page and come back here afterwards."""

    @functools.wraps(view)
    def wrapped(*args: Any, **kwargs: Any) -> Any:
        if current_user() is None:
            return redirect_to_login()
        return view(*args, **kwargs)

    return wrapped  # type: ignore[return-value]


def api_login_required(view: F) -> F:
    """For /api views: 401 JSON unless a valid bearer token came with the request."""

    @functools.wraps(view)
    def wrapped(*args: Any, **kwargs: Any) -> Any:
        if current_user() is None:
            return api_unauthorized()
        return view(*args, **kwargs)

    return wrapped  # type: ignore[return-value]


def permission_required(permission: Permission) -> Callable[[F], F]:
    """Staff pages and API routes: signed in *and* granted `permission` by the account's
    role (domain/roles.py), else 403. Which warehouses a worker may see is the
    warehouse use cases' question (web/warehouses/use_cases.py), not this one's."""

    def decorate(view: F) -> F:
        @functools.wraps(view)
        def wrapped(*args: Any, **kwargs: Any) -> Any:
            user = current_user()
            if user is None:
                return api_unauthorized() if is_api_request() else redirect_to_login()
            if not user.may(permission):
                raise Forbidden(
                    description=f"This page is for store staff only ({permission.value})."
                )
            return view(*args, **kwargs)

        return wrapped  # type: ignore[return-value]

    return decorate


def redirect_to_login() -> Response:
    target = url_for("auth.login", next=_here())
    if request.htmx:
        # An htmx request would swap a whole login page into a fragment; send the browser there.
        return htmx_response("", 401, redirect=target)
    return redirect(target, code=303)


def bearer_header() -> str:
    """The API's credentials: `Authorization`, or `Authentication` as the design write-up
    spells it (docs/api.md, "Authentication"); "" when neither came. Both, saying
    different things, is a 400: guessing which one was meant could act as the wrong
    shopper."""
    sent = {request.headers[name] for name in CREDENTIAL_HEADERS if name in request.headers}
    if len(sent) > 1:
        raise BadRequest(
            "The Authorization and Authentication headers differ; send the token in one of them."
        )
    return next(iter(sent), "")


def api_unauthorized() -> Response:
    header = bearer_header()
    if header:
        message = g.get("_token_problem") or (
            "Send the token as 'Authorization: Bearer <token>' (POST /api/v1/auth/token)."
        )
    else:
        message = "Sign in first: get a token from POST /api/v1/auth/token and send it as 'Authorization: Bearer <token>'."
    response = jsonify({"error": {"code": "unauthorized", "message": message}})
    response.status_code = 401
    response.headers["WWW-Authenticate"] = 'Bearer realm="shopflow"' + (
        ', error="invalid_token"' if header else ""
    )
    response.headers["Cache-Control"] = "no-store"
    return response


def safe_next(target: str | None, default: str = "/") -> str:
    """`target` if it is a path on this site, else `default` (no open redirects)."""
    if not target or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return default
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or any(ord(c) < 32 for c in target):
        return default
    return target


def _here() -> str:
    """Where to come back to: this page, or for a POST the page the shopper was on."""
    if request.method == "GET" and not request.htmx:
        return safe_next(request.full_path.rstrip("?"))
    came_from = request.htmx.current_url or request.referrer or ""
    parts = urlsplit(came_from)
    if parts.netloc and parts.netloc != request.host:
        return "/"
    path = parts.path + (f"?{parts.query}" if parts.query else "")
    return safe_next(path)


def _user_from_session() -> CurrentUser | None:
    user_id, session_id = session.get(SESSION_USER), session.get(SESSION_ID)
    if type(user_id) is not int or not isinstance(session_id, str):
        return None
    settings = services().settings
    user = _browser_sessions().user_of(
        session_id,
        idle_seconds=settings.session_idle_seconds,
        absolute_seconds=settings.session_absolute_seconds,
    )
    if user is None or user.id != user_id or session.get(SESSION_FINGERPRINT) != _fingerprint(user):
        session.clear()  # signed out (here or everywhere), account gone, password changed
        return None
    return _public(user)


def _user_from_token() -> CurrentUser | None:
    scheme, _, token = bearer_header().partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        return None
    try:
        claims = services().tokens.read(token.strip())
    except InvalidToken as exc:
        g._token_problem = str(exc)
        return None
    recent = _recent_users()
    known = recent.get(claims.user_id, claims.fingerprint)
    if known is not None:
        return known
    user = account_of(claims.user_id)
    if user is None or claims.fingerprint != _fingerprint(user):
        g._token_problem = "The bearer token was revoked. Get a new one."
        return None
    public = _public(user)
    recent.remember(claims.user_id, claims.fingerprint, public)
    return public


def account_of(user_id: int) -> UserRecord | None:
    """The account with its password hash (through the `Accounts` port, web/auth/ports.py)."""
    accounts = services().accounts
    assert accounts is not None, "build_services (entrypoints/web_services.py) sets it"
    return accounts.by_id(user_id)


def _browser_sessions():  # the `BrowserSessions` port of web/auth/ports.py
    browser_sessions = services().browser_sessions
    assert browser_sessions is not None, "build_services (entrypoints/web_services.py) sets it"
    return browser_sessions


def forget_token_user(user_id: int) -> None:
    """After a change that ends every token of `user_id`: stop trusting this process's
    memory of them now, and tell every other web process (db/redis/revocations.py)."""
    _recent_users().forget(user_id)
    if services().revocations is not None:
        services().revocations.announce(user_id)


def token_user_memory(app: Flask) -> RecentUsers[CurrentUser]:
    """The app's memory of token users (web/recent_users.py), made on first use; the
    ASGI app (web/live/asgi.py) empties it on revocation messages."""
    recent = app.extensions.get(RECENT_USERS_KEY)
    if recent is None:
        ttl = app.extensions[EXTENSION_KEY].settings.api_user_cache_seconds
        recent = app.extensions.setdefault(RECENT_USERS_KEY, RecentUsers(ttl))
    return recent


def _recent_users() -> RecentUsers[CurrentUser]:
    return token_user_memory(current_app)


def _fingerprint(user: UserRecord) -> str:
    return fingerprint_of(user)


def fingerprint_of(user: UserRecord) -> str:
    """What sessions and tokens of `user` carry; changes when they must all end."""
    return password_fingerprint(user.password_hash, services().settings.secret_key, user.auth_epoch)


def _public(user: UserRecord) -> CurrentUser:
    return CurrentUser(user.id, user.email, user.role, user.warehouses)


def viewer_for_templates() -> CurrentUser | None:
    """current_user() for the page header, which must render even on a database-down error page."""
    try:
        return current_user()
    except SQLAlchemyError:
        # Fall back on what the signed cookie says, for display only; never for access.
        if g.get("_viewer") is None:
            user_id, email = session.get(SESSION_USER), session.get(SESSION_EMAIL)
            g._viewer = CurrentUser(user_id, email, "shopper") if user_id and email else False
        return g._viewer or None
