"""Fixtures for the checkout and orders tests, loaded as a plugin by
tests/web/test_checkout_*.py and test_orders_*.py (`pytest_plugins`); the calls they
make are in tests/web/checkout_calls.py.

These tests change stock, so they run on a database of their own ("checkout_tests")
with items each test creates for itself (`stock_item`), served by a real worker
(`checkout_worker.serve`). Its users start at id 1,000,001: workflow ids are
`checkout-<userID>` on the session's one Temporal server, so they can never meet the
e2e journey's shoppers (ids from 1 in the session database). After every test the
checkouts it left running are cancelled, so nothing stays held.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Iterator
from dataclasses import replace
from datetime import UTC, datetime

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import text

from settings import Settings
from tests.stock_world import seed_database
from tests.web.checkout_calls import ApiShopper, register_api_shopper

FIRST_USER_ID = 1_000_001
SEATTLE = ("Seattle", "Seattle, WA, US", 47.61, -122.33)


@pytest.fixture(scope="session")
def checkout_db(isolated_settings, checkout_worker) -> Settings:
    settings = isolated_settings("checkout_tests")
    seed_database(settings.database_url, {1: SEATTLE}, FIRST_USER_ID)
    return checkout_worker.serve(settings)


@pytest.fixture(scope="session")
def checkout_engine(checkout_db: Settings):
    from db.postgres.engine import make_engine

    engine = make_engine(checkout_db.database_url)
    yield engine
    engine.dispose()


@pytest.fixture
def checkout_settings(checkout_db: Settings, checkout_worker) -> Iterator[Settings]:
    yield checkout_db
    checkout_worker.end_checkouts(checkout_db.task_queue)


@pytest.fixture
def store(make_app: Callable[..., Flask], checkout_settings: Settings) -> Flask:
    """The storefront on the checkout database."""
    return make_app(checkout_settings)


@pytest.fixture
def shop(store: Flask) -> FlaskClient:
    return store.test_client()


@pytest.fixture
def make_store(make_app: Callable[..., Flask], checkout_settings: Settings):
    """A storefront on the checkout database with some settings changed."""

    def build(**changes) -> Flask:
        return make_app(replace(checkout_settings, **changes))

    return build


_item_ids = itertools.count(1)


def create_item(engine, stock: int, price: int = 2_500, name: str | None = None) -> int:
    """A new item with `stock` units (in warehouse 1) at `price` cents; its id."""
    item_id = next(_item_ids)
    with engine.begin() as conn:
        conn.execute(
            text(
                "INSERT INTO items (id, sku, name, description, category, brand, price)"
                " VALUES (:id, :sku, :name, 'A test item.', 'Tests', 'Acme', :price)"
            ),
            {
                "id": item_id,
                "sku": f"CHK-{item_id:05d}",
                "name": name or f"Test item {item_id}",
                "price": price,
            },
        )
        conn.execute(
            text("INSERT INTO aggregated_stock (item_id, stock) VALUES (:id, :stock)"),
            {"id": item_id, "stock": stock},
        )
        conn.execute(
            text(
                "INSERT INTO warehouse_stock (item_id, warehouse_id, physical_stock, "
                "available_stock) VALUES (:id, 1, :stock, :stock)"
            ),
            {"id": item_id, "stock": stock},
        )
    return item_id


@pytest.fixture
def stock_item(checkout_engine) -> Callable[..., int]:
    """Factory: `stock_item(stock, price=..., name=...)` -> a new item's id."""

    def create(stock: int, price: int = 2_500, name: str | None = None) -> int:
        return create_item(checkout_engine, stock, price, name)

    return create


@pytest.fixture(scope="module")
def module_store(checkout_db: Settings) -> Iterator[Flask]:
    """One storefront for a whole module (signing up is slow: scrypt), for tests that
    only need a shopper to be refused with."""
    from entrypoints.web_services import build_web_app

    app = build_web_app(checkout_db)
    app.config["TESTING"] = True
    yield app
    app.extensions["shopflow"].close()


@pytest.fixture(scope="module")
def module_shopper(module_store: Flask, checkout_engine) -> ApiShopper:
    """A shopper for the whole module, with one unit of a plentiful item in the cart."""
    return register_api_shopper(
        module_store.test_client(), {create_item(checkout_engine, 1_000): 1}
    )


@pytest.fixture
def stock_of(checkout_engine) -> Callable[[int], int]:
    def read(item_id: int) -> int:
        with checkout_engine.connect() as conn:
            return conn.execute(
                text("SELECT stock FROM aggregated_stock WHERE item_id = :id"), {"id": item_id}
            ).scalar_one()

    return read


@pytest.fixture
def api_shopper(shop: FlaskClient) -> Callable[..., ApiShopper]:
    """Factory: a newly registered API shopper (bearer headers), optionally with a cart."""

    def create(cart: dict[int, int] | None = None) -> ApiShopper:
        return register_api_shopper(shop, cart)

    return create


@pytest.fixture
def assert_checkout_invariants(checkout_engine) -> Callable[[], None]:
    """I1-I3 over the checkout database (what `shopflow check` runs)."""
    from db.postgres.invariants import check_invariants

    def check() -> None:
        report = check_invariants(checkout_engine, now=datetime.now(UTC))
        assert report.ok, "\n".join(f"{v.invariant}: {v.detail}" for v in report.violations)

    return check
