"""The auth tests' fixtures on the fake shop (tests/fakes/shop.py): the same names as
tests/web/conftest.py's real-stack fixtures (`app`, `client`, `shopper`, `api_headers`,
`make_app`, `web_settings`), so a test reads the same on either layer. Accounts and
browser sessions are the fakes of tests/fakes/auth.py; the use cases, password policy
and hashing, tokens, CSRF and the throttle (Flask-Limiter's memory storage) are real.

    from tests.web.auth_fast import *  # noqa: F403 - the fixtures
"""

from __future__ import annotations

from dataclasses import asdict

import pytest

__all__ = ["api_headers", "app", "client", "fake_auth", "make_app", "shopper", "web_settings"]


@pytest.fixture
def fake_auth(make_fake_shop):
    return make_fake_shop()


@pytest.fixture
def app(fake_auth):
    return fake_auth.app


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def web_settings(app):
    return app.extensions["shopflow"].settings


@pytest.fixture
def make_app(make_fake_shop, web_settings):
    """`make_app(settings)`: the fake shop on these settings (only the changed fields
    matter); its accounts are its own."""

    def build(settings=None):
        if settings is None:
            return make_fake_shop().app
        base = asdict(web_settings)
        changes = {k: v for k, v in asdict(settings).items() if base.get(k) != v}
        return make_fake_shop(**changes).app

    return build


@pytest.fixture
def shopper(client):
    from tests.web.shoppers import register_in_browser

    return register_in_browser(client)


@pytest.fixture
def api_headers(client):
    from tests.web.shoppers import api_token

    return api_token(client)[1]
