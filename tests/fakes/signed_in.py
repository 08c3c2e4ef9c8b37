"""Signed-in staff and shoppers on the fast app, without PostgreSQL.

The API: a real bearer token (web/auth/tokens.py) whose user the app already
remembers (web/auth/recent_users.py, what a token's second request finds), so the
real `current_user()` and `permission_required` run. Pages: the browser's session
user is set for each request before anything else runs (the account row would come
from PostgreSQL), and the session carries a CSRF token the client sends back.
"""

from __future__ import annotations

import itertools
import secrets

from flask import Flask, g
from flask.testing import FlaskClient

from web.csrf import HEADER, SESSION_KEY
from web.current_user import RECENT_USERS_KEY, CurrentUser, _recent_users
from web.recent_users import RecentUsers

_ids = itertools.count(9_000_001)


def account(role: str, *warehouses: int) -> CurrentUser:
    user_id = next(_ids)
    return CurrentUser(user_id, f"{role}-{user_id}@example.com", role, frozenset(warehouses))


def api_headers(app: Flask, user: CurrentUser) -> dict[str, str]:
    fingerprint = secrets.token_hex(8)
    with app.app_context():
        # No database holds these accounts, so the memory must outlast the test: a long
        # property test on a busy box outlived production's few seconds.
        app.extensions.setdefault(RECENT_USERS_KEY, RecentUsers(3600))
        _recent_users().remember(user.id, fingerprint, user)
        token = app.extensions["shopflow"].tokens.issue(user.id, fingerprint)
    return {"Authorization": f"Bearer {token}"}


def browser(app: Flask, user: CurrentUser) -> FlaskClient:
    """A test client whose every page request is made by `user`; POSTs pass CSRF."""
    hooks = app.before_request_funcs.setdefault(None, [])
    users: dict[int, CurrentUser] = app.extensions.setdefault("fast.browsers", {})
    if not any(getattr(hook, "fast_browser", False) for hook in hooks):

        def as_user() -> None:
            from flask import request

            chosen = request.headers.get("X-Fast-User")
            if chosen is not None and not request.path.startswith("/api/"):
                g._current_user = users[int(chosen)]
                g._cart_units = 0  # the header's cart badge (web/cart) reads PostgreSQL

        as_user.fast_browser = True  # type: ignore[attr-defined]
        hooks.insert(0, as_user)
    users[user.id] = user
    client = app.test_client()
    token = secrets.token_urlsafe(16)
    with client.session_transaction() as session:
        session[SESSION_KEY] = token
    client.environ_base["HTTP_X_FAST_USER"] = str(user.id)
    client.environ_base["HTTP_" + HEADER.upper().replace("-", "_")] = token
    return client
