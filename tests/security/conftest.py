"""The storefront on fakes (tests/web/fakes.py) for the security tests of the fast layer."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from flask import Flask
from flask.testing import FlaskClient

from entrypoints.web_services import build_web_app
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


# --- the real stack, on a database of the security tests' own ------------------------


@pytest.fixture(scope="session")
def security_settings(isolated_settings):
    return isolated_settings("security_tests")


@pytest.fixture(scope="session")
def security_engine(security_settings):
    from db.postgres.engine import make_engine

    engine = make_engine(security_settings.database_url)
    yield engine
    engine.dispose()


@pytest.fixture
def make_security_app(security_settings):
    """Build the storefront on the security tests' database, with modified Settings."""
    apps: list[Flask] = []

    def build(settings=None) -> Flask:
        app = build_web_app(settings or security_settings)
        app.config["TESTING"] = True
        apps.append(app)
        return app

    yield build
    for app in apps:
        app.extensions["shopflow"].close()


@pytest.fixture(scope="session")
def security_worker_settings(security_settings, checkout_worker):
    """Settings whose task queue the session's workers serve on the security database."""
    return checkout_worker.serve(security_settings)


@pytest.fixture(scope="session")
def security_catalogue(security_settings):
    """tests/web/catalogue.py (hostile brand names included) in the security database and
    a search collection of its own."""
    from catalog.loader import load_catalog
    from tests.web import catalogue

    load_catalog(
        security_settings,
        catalogue.WAREHOUSES,
        catalogue.ITEMS,
        total=len(catalogue.ITEMS),
        progress=False,
    )
    return catalogue.ITEMS
