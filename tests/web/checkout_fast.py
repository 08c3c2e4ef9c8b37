"""The app on checkout's and the waiting room's fakes (tests/fakes/): the JSON API's
handlers, Idempotency-Key (on fakeredis) and the refusal table, without servers.

`CheckoutApi(world)` is a Flask test client whose bearer tokens are real (ApiTokens)
and whose token users are known in advance (the app's recent-users memory), so
signing in needs no database.
"""

from __future__ import annotations

import itertools
from typing import Any

import fakeredis
from flask import Flask, g, session
from flask.testing import FlaskClient

from domain.stock import Line
from tests.fakes.checkout import CheckoutWorld
from tests.web.checkout_calls import ApiShopper
from tests.web.fakes import fake_services, fake_settings
from web import create_app, csrf
from web.current_user import RECENT_USERS_KEY, CurrentUser
from web.recent_users import RecentUsers
from web.services import CheckoutWiring
from web.waiting_room.use_cases import WaitingRoomPorts

FINGERPRINT = "fast-layer"
FAST_USER = "fast_user"


class CheckoutApi:
    def __init__(self, world: CheckoutWorld, waiting_room: WaitingRoomPorts | None = None) -> None:
        self.world = world
        settings = fake_settings()
        services = fake_services(settings)
        services.redis = fakeredis.FakeRedis()  # Idempotency-Key's answers
        services.payments = world.vault  # type: ignore[assignment]
        services.checkout = CheckoutWiring(
            world.checkouts,
            world.carts,
            world.items,
            world.waiting_room,  # type: ignore[arg-type]
        )
        services.waiting_room = waiting_room
        self.app: Flask = create_app(settings, services=services)
        self.app.config["TESTING"] = True
        # The use cases' limits are the world's (production's, counted in memory).
        self.app.extensions["shopflow.limits"] = world.limits
        self.app.extensions[RECENT_USERS_KEY] = RecentUsers(3600)
        self.client: FlaskClient = self.app.test_client()
        # Browser pages: the signed-in shopper is named in the (signed) test session, so
        # no session row has to be read; saved addresses are the address book's (none).
        self.app.before_request(_fast_browser_user)
        self.app.jinja_env.globals["saved_addresses"] = list
        self.app.jinja_env.globals["cart_units"] = lambda: 0

    def browser(self, user_id: int) -> tuple[FlaskClient, dict[str, str]]:
        """A browser signed in as `user_id`, and the CSRF header its htmx posts carry."""
        client = self.app.test_client()
        with client.session_transaction() as session:
            session[FAST_USER] = user_id
            session[csrf.SESSION_KEY] = "fast-csrf-token"
        return client, {csrf.HEADER: "fast-csrf-token"}

    def headers(self, user_id: int, **extra: str) -> dict[str, str]:
        token = self.app.extensions["shopflow"].tokens.issue(user_id, FINGERPRINT)
        user = CurrentUser(user_id, f"shopper{user_id}@example.com", "shopper")
        self.app.extensions[RECENT_USERS_KEY].remember(user_id, FINGERPRINT, user)
        return {"Authorization": f"Bearer {token}", **extra}

    def post(self, user_id: int, path: str, body: Any = None, **headers: str):
        return self.client.post(
            path,
            json=body,
            headers=self.headers(user_id, **headers),
        )

    def get(self, user_id: int, path: str):
        return self.client.get(path, headers=self.headers(user_id))


def payment(number: str, **address: str) -> dict[str, Any]:
    shipping = {
        "name": "Ada Shopper",
        "line1": "1 Main St",
        "city": "Seattle",
        "postalCode": "98101",
        "country": "US",
        **address,
    }
    return {
        "paymentDetails": {"cardNumber": number, "expiry": "12/39", "cvc": "123", "name": "Ada"},
        "shippingAddress": shipping,
    }


def _fast_browser_user() -> None:
    user_id = session.get(FAST_USER)
    if isinstance(user_id, int):
        g._current_user = CurrentUser(user_id, f"shopper{user_id}@example.com", "shopper")


class FastShop:
    """What tests/web/checkout_fixtures.py gives the real-stack tests (a client, shoppers,
    items with stock), on the fakes: tests written against one run on the other."""

    def __init__(self) -> None:
        self.api = CheckoutApi(CheckoutWorld({}))
        self.world = self.api.world
        self._items = itertools.count(1)
        self._users = itertools.count(1_000_001)

    def new_item(self, stock: int, price: int | None = None) -> int:
        item_id = next(self._items)
        self.world.checkouts.stock[item_id] = stock
        if price is not None:
            self.world.checkouts.prices[item_id] = price
        self.world.items.known.add(item_id)
        return item_id

    def stock_of(self, item_id: int) -> int:
        return self.world.checkouts.stock[item_id]

    def shopper(self, cart: dict[int, int] | None = None) -> ApiShopper:
        user_id = next(self._users)
        self.world.carts.carts[user_id] = [Line(i, q) for i, q in (cart or {}).items()]
        return ApiShopper(f"shopper{user_id}@example.com", self.api.headers(user_id), user_id)
