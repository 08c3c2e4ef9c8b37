"""Fixtures for the warehouse portal's fast tests (`pytest_plugins`): the whole app on
the fake ports of tests/fakes/warehouses.py, with signed-in staff and shoppers. Every
name starts with `fake_`: a plugin's fixtures are seen by the whole session, and
tests/web/warehouse_fixtures.py names the real stack's ones."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from flask import Flask
from flask.testing import FlaskClient

from tests.fakes.apps import fast_portal_app
from tests.fakes.signed_in import account, api_headers, browser
from tests.fakes.warehouses import FakePorts


@pytest.fixture
def fake_portal() -> Iterator[tuple[Flask, FakePorts]]:
    with fast_portal_app() as built:
        yield built


@pytest.fixture
def fake_app(fake_portal) -> Flask:
    return fake_portal[0]


@pytest.fixture
def fake_ports(fake_portal) -> FakePorts:
    return fake_portal[1]


@pytest.fixture
def fake_client(fake_app: Flask) -> FlaskClient:
    return fake_app.test_client()


@pytest.fixture
def fake_operator_headers(fake_app: Flask) -> dict[str, str]:
    return api_headers(fake_app, account("operator"))


@pytest.fixture
def fake_shopper_headers(fake_app: Flask) -> dict[str, str]:
    return api_headers(fake_app, account("shopper"))


@pytest.fixture
def fake_operator_browser(fake_app: Flask) -> FlaskClient:
    return browser(fake_app, account("operator"))


@pytest.fixture
def fake_shopper_browser(fake_app: Flask) -> FlaskClient:
    return browser(fake_app, account("shopper"))
