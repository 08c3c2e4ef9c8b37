"""The storefront on fakes (tests/web/fakes.py) for the security tests of the fast layer."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from flask import Flask
from flask.testing import FlaskClient

from web import create_app


@pytest.fixture
def fast_app() -> Iterator[Flask]:
    from tests.web.fakes import fake_services, fake_settings

    settings = fake_settings()
    app = create_app(settings, services=fake_services(settings))
    app.config["TESTING"] = True
    yield app
    app.extensions["shopflow"].close()


@pytest.fixture
def fast_client(fast_app: Flask) -> FlaskClient:
    return fast_app.test_client()
