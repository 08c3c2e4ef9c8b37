"""The storefront on fakes: `create_app(settings, services=...)` with the in-memory ports
of tests/fakes/, Flask-Limiter on its memory storage, and signed-in shoppers.

Who is signed in is the one thing borrowed from outside the ports: web/current_user.py
reads accounts and browser sessions with db/postgres/users.py's functions, and `FakeShop`
swaps those four (`user_of_live_session`, `find_user_by_id`, `start_session`,
`end_session`) for dicts. Everything
else of auth runs for real: the signed session cookie and its fingerprint, the CSRF
token (web/csrf.py), API bearer tokens with their expiry (web/api_tokens.py).
"""

from __future__ import annotations

import itertools
import secrets
from dataclasses import dataclass, field, replace

import pytest
from flask import Flask
from flask.testing import FlaskClient

from db.postgres.users import UserRecord
from tests.fakes.account import FakeAddressBook
from tests.fakes.cart import FakeCartItems, FakeCartStore, items_of_catalogue
from tests.fakes.orders import FakeOrderClient, FakeOrderReads
from tests.web.fakes import fake_services, fake_settings
from web import create_app
from web import current_user as auth_current
from web.csrf import HEADER, SESSION_KEY
from web.current_user import SESSION_EMAIL, SESSION_FINGERPRINT, SESSION_ID, SESSION_USER
from web.limits import EXTENSION_KEY as LIMITS_KEY

HTMX = {"HX-Request": "true"}
_ids = itertools.count(1)


@dataclass
class FastShopper:
    """A shopper signed in on `client`: `post` sends the session's CSRF token back the
    way the page would (the X-CSRF-Token header that base.html gives htmx)."""

    id: int
    email: str
    client: FlaskClient
    csrf: str

    def get(self, path: str, *, htmx: bool = False, **kwargs):
        return self.client.get(path, headers=HTMX if htmx else {}, **kwargs)

    def post(self, path: str, data: dict | None = None, *, htmx: bool = False, **kwargs):
        headers = {HEADER: self.csrf, **(HTMX if htmx else {})}
        return self.client.post(path, data=data or {}, headers=headers, **kwargs)


@dataclass
class FakeShop:
    app: Flask
    carts: FakeCartStore
    orders: FakeOrderReads
    order_client: FakeOrderClient
    addresses: FakeAddressBook
    users: dict[int, UserRecord] = field(default_factory=dict)
    browser_sessions: dict[str, int] = field(default_factory=dict)

    def new_user(self) -> UserRecord:
        user_id = next(_ids)
        user = UserRecord(user_id, f"fast-{user_id}@example.com", secrets.token_hex(8), "shopper")
        self.users[user_id] = user
        return user

    def shopper(
        self, user: UserRecord | None = None, *, client: FlaskClient | None = None
    ) -> FastShopper:
        """A browser signed in as `user` (a new one by default), on `client` (a new one
        by default)."""
        user = user or self.new_user()
        client = client or self.app.test_client()
        session_id, csrf = secrets.token_urlsafe(16), secrets.token_urlsafe(32)
        self.browser_sessions[session_id] = user.id
        with self.app.app_context():
            fingerprint = auth_current.fingerprint_of(user)
        with client.session_transaction() as session:
            session[SESSION_USER] = user.id
            session[SESSION_EMAIL] = user.email
            session[SESSION_FINGERPRINT] = fingerprint
            session[SESSION_ID] = session_id
            session[SESSION_KEY] = csrf
        return FastShopper(user.id, user.email, client, csrf)

    def api_headers(self, user: UserRecord | None = None) -> dict[str, str]:
        user = user or self.new_user()
        with self.app.app_context():
            token = self.app.extensions["shopflow"].tokens.issue(
                user.id, auth_current.fingerprint_of(user)
            )
        return {"Authorization": f"Bearer {token}"}

    def sign_out_everywhere(self, user: UserRecord) -> UserRecord:
        """What a password change does: a new auth epoch ends every session and token."""
        changed = replace(user, auth_epoch=user.auth_epoch + 1)
        self.users[user.id] = changed
        return changed

    # --- what web/current_user.py asks PostgreSQL -------------------------------------

    def user_of_live_session(
        self, _db, session_id: str, *, idle_seconds: int, absolute_seconds: int
    ) -> UserRecord | None:
        # Expiry is the real adapter's (db/postgres/users.py), tested on PostgreSQL.
        user_id = self.browser_sessions.get(session_id)
        return None if user_id is None else self.users.get(user_id)

    def find_user_by_id(self, _db, user_id: int) -> UserRecord | None:
        return self.users.get(user_id)

    def start_session(self, _db, user_id: int) -> str:
        session_id = secrets.token_urlsafe(16)
        self.browser_sessions[session_id] = user_id
        return session_id

    def end_session(self, _db, session_id: str) -> None:
        self.browser_sessions.pop(session_id, None)


class _NoSession:
    """Stands in for `services().sessions` inside web/current_user.py only: the swapped
    lookups ignore it, so opening one must do nothing."""

    def __call__(self):
        return self

    def begin(self):
        return self

    def __enter__(self):
        return self

    def __exit__(self, *exc) -> None:
        return None


# One app per set of settings for the whole session: building one costs more than most
# fast tests. Each test gets fresh fakes, an empty limiter and an empty token-user memory.
_APPS: dict[tuple, Flask] = {}


def _app(settings_changes: dict) -> Flask:
    key = tuple(sorted(settings_changes.items()))
    if key not in _APPS:
        settings = replace(fake_settings(), **settings_changes)
        app = create_app(settings, services=fake_services(settings))
        app.config["TESTING"] = True
        _APPS[key] = app
    return _APPS[key]


def build_fake_shop(monkeypatch: pytest.MonkeyPatch, **settings_changes) -> FakeShop:
    app = _app(settings_changes)
    services = app.extensions["shopflow"]
    carts = FakeCartStore(items_of_catalogue())
    orders = FakeOrderReads()
    services.carts = carts
    services.cart_items = FakeCartItems(carts)
    services.orders = orders
    services.order_client = FakeOrderClient(orders)
    services.addresses = FakeAddressBook()
    app.extensions[LIMITS_KEY].flask_limiter.reset()  # memory storage: counts start at 0
    app.extensions.pop(auth_current.RECENT_USERS_KEY, None)
    shop = FakeShop(app, carts, orders, services.order_client, services.addresses)
    monkeypatch.setattr(auth_current, "user_of_live_session", shop.user_of_live_session)
    monkeypatch.setattr(auth_current, "find_user_by_id", shop.find_user_by_id)
    monkeypatch.setattr(auth_current, "start_session", shop.start_session)
    monkeypatch.setattr(auth_current, "end_session", shop.end_session)
    monkeypatch.setattr(auth_current, "services", lambda: _AuthServices(services))
    return shop


class _AuthServices:
    """`services()` as web/current_user.py sees it in the fast layer: the real tokens and
    settings, and a `sessions` that opens nothing (the lookups above ignore it)."""

    def __init__(self, services) -> None:
        self._services = services
        self.sessions = _NoSession()

    def __getattr__(self, name: str):
        return getattr(self._services, name)
