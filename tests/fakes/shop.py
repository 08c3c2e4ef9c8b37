"""The storefront on fakes: `create_app(settings, services=...)` with the in-memory ports
of tests/fakes/, Flask-Limiter on its memory storage, and signed-in shoppers.

Who is signed in comes from the auth ports (web/auth/ports.py) on their fakes
(tests/fakes/auth.py): accounts and browser sessions. Everything else of auth runs for
real: the sign-in use cases, password hashing and policy, the throttle (Flask-Limiter's
memory storage), the signed session cookie and its fingerprint, the CSRF token
(web/csrf.py), API bearer tokens with their expiry (web/api_tokens.py).
"""

from __future__ import annotations

import itertools
import secrets
from dataclasses import dataclass, replace

from flask import Flask
from flask.testing import FlaskClient

from db.postgres.users import SHOPPER, UserRecord
from tests.fakes.account import FakeAddressBook
from tests.fakes.auth import FakeAccounts, FakeBrowserSessions
from tests.fakes.cart import FakeCartItems, FakeCartStore, items_of_catalogue
from tests.fakes.orders import FakeOrderClient, FakeOrderReads
from tests.fakes.reviews import FakeReviews
from tests.fakes.revocations import FakeTokenRevocations
from tests.web.fakes import fake_services, fake_settings
from web import create_app
from web import current_user as auth_current
from web.auth.accounts import hash_password
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
    accounts: FakeAccounts
    browser_sessions: FakeBrowserSessions
    revocations: FakeTokenRevocations
    reviews: FakeReviews

    @property
    def users(self) -> dict[int, UserRecord]:
        return self.accounts.users

    def new_user(self, *, password: str | None = None, role: str = SHOPPER) -> UserRecord:
        """An account; with `password` its hash is real (scrypt), so it can sign in."""
        password_hash = hash_password(password) if password else secrets.token_hex(8)
        return self.accounts.create(
            email=f"fast-{next(_ids)}@example.com", password_hash=password_hash, role=role
        )

    def shopper(
        self, user: UserRecord | None = None, *, client: FlaskClient | None = None
    ) -> FastShopper:
        """A browser signed in as `user` (a new one by default), on `client` (a new one
        by default)."""
        user = user or self.new_user()
        client = client or self.app.test_client()
        session_id, csrf = self.browser_sessions.start(user.id), secrets.token_urlsafe(32)
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
        self.accounts.end_every_session(user.id)
        return self.accounts.users[user.id]


# One app per set of settings for the whole session: building one costs more than most
# fast tests. Each test gets fresh fakes, an empty limiter and an empty token-user memory.
_APPS: dict[tuple, Flask] = {}


def _app(settings_changes: dict, *, fresh: bool) -> Flask:
    key = tuple(sorted(settings_changes.items()))
    if fresh or key not in _APPS:
        settings = replace(fake_settings(), **settings_changes)
        app = create_app(settings, services=fake_services(settings))
        app.config["TESTING"] = True
        if fresh:
            return app
        _APPS[key] = app
    return _APPS[key]


def build_fake_shop(*, fresh_app: bool = False, **settings_changes) -> FakeShop:
    """`fresh_app`: an app of its own (not shared), for a test that adds routes to it."""
    app = _app(settings_changes, fresh=fresh_app)
    services = app.extensions["shopflow"]
    carts = FakeCartStore(items_of_catalogue())
    orders = FakeOrderReads()
    services.carts = carts
    services.cart_items = FakeCartItems(carts)
    services.orders = orders
    services.order_client = FakeOrderClient(orders)
    services.addresses = FakeAddressBook()
    services.accounts = accounts = FakeAccounts()
    services.browser_sessions = FakeBrowserSessions(accounts)
    services.revocations = revocations = FakeTokenRevocations()
    services.reviews = FakeReviews()
    if services.settings.redis_url == "memory://":  # else a store that is down, on purpose
        app.extensions[LIMITS_KEY].flask_limiter.reset()  # counts start at 0
    app.extensions.pop(auth_current.RECENT_USERS_KEY, None)
    return FakeShop(
        app,
        carts,
        orders,
        services.order_client,
        services.addresses,
        accounts,
        services.browser_sessions,
        revocations,
        services.reviews,
    )
