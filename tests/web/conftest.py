"""Fixtures for the storefront tests.

* `web_settings`  - session: the shared stack's Settings (tests/conftest.py), on a
                    database and search alias of their own ("web_tests"), so the
                    hand-crafted catalogue below never meets the session's demo one.
* `web_catalogue` - session: tests/web/catalogue.py loaded by the real loader.
* `app`, `client` - a fresh app (and Flask test client) on those services.
* `make_app`      - build an app from modified Settings (e.g. Typesense on a closed port).
* `shopper`       - a new account signed in on `client` (see tests/web/shoppers.py).
* `api_headers`   - bearer-token headers for a new API account.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator

import pytest
from flask import Flask
from flask.testing import FlaskClient

from entrypoints.web_services import build_web_app
from settings import Settings
from tests.web import catalogue
from web import create_app


@pytest.fixture(scope="session")
def web_settings(isolated_settings) -> Settings:
    return isolated_settings("web_tests")


@pytest.fixture(scope="session")
def web_catalogue(web_settings: Settings) -> dict:
    from catalog.loader import load_catalog

    load_catalog(
        web_settings,
        catalogue.WAREHOUSES,
        catalogue.ITEMS,
        total=len(catalogue.ITEMS),
        progress=False,
    )
    return catalogue.BY_ID


@pytest.fixture
def make_app(web_settings: Settings, web_catalogue: dict) -> Iterator[Callable[..., Flask]]:
    apps: list[Flask] = []

    def build(settings: Settings | None = None) -> Flask:
        app = build_web_app(settings or web_settings)
        app.config["TESTING"] = True
        apps.append(app)
        return app

    yield build
    for app in apps:
        app.extensions["shopflow"].close()


@pytest.fixture
def app(make_app: Callable[..., Flask]) -> Flask:
    return make_app()


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    return app.test_client()


@pytest.fixture
def shopper(client: FlaskClient):
    """A freshly registered shopper, signed in on `client` (browser session + CSRF token)."""
    from tests.web.shoppers import register_in_browser

    return register_in_browser(client)


@pytest.fixture
def api_headers(client: FlaskClient) -> dict[str, str]:
    """`Authorization: Bearer ...` for a freshly registered API shopper."""
    from tests.web.shoppers import api_token

    return api_token(client)[1]


# --- the fast layer: the same app on fakes (tests/web/fakes.py), no embedded stack ------


@pytest.fixture
def fast_app() -> Iterator[Flask]:
    """`create_app(settings, services=fakes)`: validation, pages and fragments only;
    any use of PostgreSQL, Redis or Typesense fails the test (it belongs on the stack)."""
    from tests.web.fakes import fake_services, fake_settings

    settings = fake_settings()
    app = create_app(settings, services=fake_services(settings))
    app.config["TESTING"] = True
    yield app
    app.extensions["shopflow"].close()


@pytest.fixture
def fast_client(fast_app: Flask) -> FlaskClient:
    return fast_app.test_client()


@pytest.fixture
def fake_shop():
    """The storefront on the in-memory ports of tests/fakes/ (cart, orders, address book),
        accounts and browser sessions (tests/fakes/auth.py), limits on Flask-Limiter's memory
    storage: shoppers register, sign in and out without PostgreSQL."""
    from tests.fakes.shop import build_fake_shop

    return build_fake_shop()


@pytest.fixture
def make_fake_shop():
    """Factory: `make_shop(**settings_changes)`, e.g. a low SHOPPER_WRITE_LIMIT_PER_USER."""
    from tests.fakes.shop import build_fake_shop

    return build_fake_shop
