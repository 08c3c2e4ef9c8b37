"""Fixtures for the warehouse portal tests, loaded as a plugin by
tests/web/test_warehouse_*.py (`pytest_plugins`).

They run on a database of their own ("warehouse_tests") with a search alias of its
own, served by a real worker (`checkout_worker.serve`), so real OrderWorkflows split
real orders into suborders whose child workflows the portal ships and delivers.
Warehouse ids 7101.. are used nowhere else: the queue streams (`warehouse:<id>:…`)
live in the session's one Redis, shared with every other test database.

Orders are written straight into PostgreSQL as checkout's SUBMIT leaves them
(aggregated stock already reduced, total 0 so a cancel has nothing to refund) and
their OrderWorkflow is started here; everything started is terminated at teardown.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import text

from catalog.records import ItemRecord
from settings import Settings
from tests.web.shoppers import PASSWORD, bearer, csrf_token_of, new_email
from tests.web.warehouse_world import CLOSED, INDEXED_ITEMS, WAREHOUSES, Warehouses


@pytest.fixture(scope="session")
def warehouse_db(isolated_settings, checkout_worker) -> Settings:
    from catalog.loader import load_catalog
    from db.postgres.engine import make_engine

    settings = isolated_settings("warehouse_tests")
    items = [
        ItemRecord(
            id=n,
            sku=f"WH-{n:04d}",
            name=f"Sold-out lantern {n}",
            description="Waiting for a restock.",
            category="Outdoors",
            brand="Acme",
            price=1_500,
            stock_by_warehouse=(),  # out of stock everywhere: indexed with in_stock false
        )
        for n in range(1, INDEXED_ITEMS + 1)
    ]
    load_catalog(settings, WAREHOUSES, items, total=len(items), progress=False)
    engine = make_engine(settings.database_url, pool_size=1)
    with engine.begin() as conn:
        conn.execute(text("UPDATE warehouses SET active = false WHERE id = :w"), {"w": CLOSED})
        conn.execute(text("SELECT setval(pg_get_serial_sequence('users', 'id'), 3000001, false)"))
    engine.dispose()
    return checkout_worker.serve(settings)


@pytest.fixture(scope="session")
def warehouse_engine(warehouse_db: Settings):
    from db.postgres.engine import make_engine

    engine = make_engine(warehouse_db.database_url)
    yield engine
    engine.dispose()


@pytest.fixture(scope="session")
def accounts(warehouse_db: Settings, warehouse_engine) -> dict[str, Any]:
    """One staff and one shopper account for the session (scrypt makes sign-ups slow)."""
    from db.postgres.engine import make_session_factory
    from web.auth.accounts import register

    sessions = make_session_factory(warehouse_engine)
    staff = register(sessions, email=new_email("staff"), password=PASSWORD, role="operator")
    shopper = register(sessions, email=new_email("shopper"), password=PASSWORD)
    return {"staff": staff, "shopper": shopper}


@pytest.fixture(scope="module")
def portal_app(warehouse_db: Settings) -> Iterator[Flask]:

    from entrypoints.web_services import build_web_app

    # Every test signs its staff member in afresh: the test settings' limits allow it.
    app = build_web_app(warehouse_db)
    app.config["TESTING"] = True
    yield app
    app.extensions["shopflow"].close()


@pytest.fixture
def make_portal_app(warehouse_db: Settings) -> Iterator[Callable[..., Flask]]:
    """Factory: the portal on the warehouse database with some settings changed."""
    from dataclasses import replace

    from entrypoints.web_services import build_web_app

    apps: list[Flask] = []

    def build(**changes: Any) -> Flask:
        app = build_web_app(replace(warehouse_db, **changes))
        app.config["TESTING"] = True
        apps.append(app)
        return app

    yield build
    for app in apps:
        app.extensions["shopflow"].close()


def _token(app: Flask, email: str) -> dict[str, str]:
    issued = app.test_client().post(
        "/api/v1/auth/token", json={"email": email, "password": PASSWORD}
    )
    assert issued.status_code == 200, issued.get_json()
    return bearer(issued.get_json()["token"])


@pytest.fixture(scope="module")
def staff_headers(portal_app: Flask, accounts) -> dict[str, str]:
    return _token(portal_app, accounts["staff"].email)


@pytest.fixture(scope="module")
def shopper_headers(portal_app: Flask, accounts) -> dict[str, str]:
    return _token(portal_app, accounts["shopper"].email)


def sign_in(app: Flask, email: str) -> FlaskClient:
    client = app.test_client()
    token = csrf_token_of(client, "/login")
    answer = client.post("/login", data={"email": email, "password": PASSWORD, "csrf_token": token})
    assert answer.status_code == 303, answer.get_data(as_text=True)[:300]
    return client


@pytest.fixture
def staff_browser(portal_app: Flask, accounts) -> FlaskClient:
    return sign_in(portal_app, accounts["staff"].email)


@pytest.fixture
def shopper_browser(portal_app: Flask, accounts) -> FlaskClient:
    return sign_in(portal_app, accounts["shopper"].email)


@pytest.fixture
def world(
    warehouse_db: Settings, warehouse_engine, checkout_worker, accounts
) -> Iterator[Warehouses]:
    running = Warehouses(warehouse_engine, checkout_worker, warehouse_db, accounts["shopper"].id)
    yield running
    running.end()


@pytest.fixture
def assert_portal_invariants(warehouse_engine) -> Callable[[], None]:
    """I1-I3 over the warehouse test database (what `shopflow check` runs)."""
    from db.postgres.invariants import check_invariants

    def check() -> None:
        report = check_invariants(warehouse_engine, now=datetime.now(UTC))
        assert report.ok, "\n".join(f"{v.invariant}: {v.detail}" for v in report.violations)

    return check
