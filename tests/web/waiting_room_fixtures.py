"""Fixtures for the waiting-room tests (a plugin next to tests/web/checkout_fixtures.py).

Items with a waiting room get ids from 800,001 up: the waiting room workflow (`waiting-room-<itemID>`) and the
Redis keys are per item id on the session's one Temporal server and Redis, so they
must never meet another database's items. Shoppers are inserted straight into the
table with one shared password hash and given bearer tokens the app accepts: 300
scrypt sign-ups would take most of a minute and test nothing here.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Iterator
from dataclasses import replace

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import text

from settings import Settings
from tests.web.checkout_calls import ApiShopper
from tests.web.shoppers import PASSWORD, bearer, new_email

pytest_plugins = ["tests.web.checkout_fixtures"]

_hot_ids = itertools.count(800_001)
_HASH: list[str] = []


def insert_item(engine, stock: int, *, item_id: int | None = None, price: int = 4_999) -> int:
    item_id = item_id or next(_hot_ids)
    with engine.begin() as conn:
        conn.execute(
            text(
                "INSERT INTO items (id, sku, name, description, category, brand, price)"
                " VALUES (:id, :sku, :name, 'In high demand.', 'Tests', 'Acme', :price)"
            ),
            {"id": item_id, "sku": f"HOT-{item_id}", "name": f"Console {item_id}", "price": price},
        )
        conn.execute(
            text("INSERT INTO aggregated_stock (item_id, stock) VALUES (:id, :s)"),
            {"id": item_id, "s": stock},
        )
        conn.execute(
            text(
                "INSERT INTO warehouse_stock (item_id, warehouse_id, physical_stock, "
                "available_stock) VALUES (:id, 1, :s, :s)"
            ),
            {"id": item_id, "s": stock},
        )
    return item_id


def insert_shoppers(
    engine, settings: Settings, count: int, role: str = "shopper"
) -> list[ApiShopper]:
    from web.api_tokens import ApiTokens
    from web.auth.accounts import hash_password
    from web.current_user import password_fingerprint

    if not _HASH:
        _HASH.append(hash_password(PASSWORD))
    password_hash = _HASH[0]
    tokens = ApiTokens(settings.secret_key, settings.api_token_ttl_seconds)
    fingerprint = password_fingerprint(password_hash, settings.secret_key)
    emails = [new_email(role) for _ in range(count)]
    with engine.begin() as conn:
        ids = [
            conn.execute(
                text(
                    "INSERT INTO users (email, password_hash, role) VALUES (:e, :h, :r) "
                    "RETURNING id"
                ),
                {"e": email, "h": password_hash, "r": role},
            ).scalar_one()
            for email in emails
        ]
    return [
        ApiShopper(email, bearer(tokens.issue(user_id, fingerprint)), user_id)
        for email, user_id in zip(emails, ids, strict=True)
    ]


@pytest.fixture
def hot_store(
    make_app: Callable[..., Flask], checkout_settings: Settings, checkout_engine
) -> Iterator[Flask]:
    """The storefront with a quick waiting room (50 admissions/s, 100 ms ticks, 60 s windows).
    Every item made hot during the test is switched off afterwards (its waiting room closes)."""
    app = make_app(
        replace(
            checkout_settings,
            waiting_room_admission_rate=50.0,
            waiting_room_tick_ms=100,
            admission_window_seconds=60,
        )
    )
    yield app
    with checkout_engine.begin() as conn:
        conn.execute(text("DELETE FROM waiting_room_items"))


@pytest.fixture
def hot_client(hot_store: Flask) -> FlaskClient:
    return hot_store.test_client()


@pytest.fixture
def new_item(checkout_engine) -> Callable[[int], int]:
    return lambda stock: insert_item(checkout_engine, stock)


@pytest.fixture
def shoppers(checkout_engine, checkout_settings) -> Callable[..., list[ApiShopper]]:
    return lambda count, role="shopper": insert_shoppers(
        checkout_engine, checkout_settings, count, role
    )


@pytest.fixture(scope="module")
def staff(checkout_db: Settings, checkout_engine) -> ApiShopper:
    return insert_shoppers(checkout_engine, checkout_db, 1, role="operator")[0]
