"""What the soak (bench/cluster.py) reads back from PostgreSQL, shown on hand-made rows:
a checkout captured once with its order balances; a second charge held for the same
checkout, a capture without an order, an order without a capture, units sold beyond
those loaded and a viewer left on an old stock are each counted."""

from __future__ import annotations

import itertools
import json

import pytest
from sqlalchemy import text

from bench.shoppers import psycopg_dsn
from bench.soak_checks import ledger, oversold, stale_viewers

pytestmark = pytest.mark.integration

ITEM = 7
_ids = itertools.count(1)


@pytest.fixture(scope="module")
def soak_db(isolated_settings):
    from db.postgres.engine import make_engine

    settings = isolated_settings("soak_checks")
    engine = make_engine(settings.database_url)
    with engine.begin() as conn:
        conn.execute(
            text(
                "INSERT INTO items (id, sku, name, description, category, brand, price)"
                " VALUES (:i, 'SOAK-1', 'Desk Lamp', 'A lamp.', 'Home', 'Acme', 4200)"
            ),
            {"i": ITEM},
        )
    yield engine, psycopg_dsn(settings)
    engine.dispose()


@pytest.fixture
def books(soak_db):
    engine, dsn = soak_db
    with engine.begin() as conn:
        conn.execute(text("TRUNCATE payment_charges, order_lines, orders CASCADE"))
    return engine, dsn


def charge(engine, checkout: str, status: str) -> None:
    n = next(_ids)
    with engine.begin() as conn:
        conn.execute(
            text(
                "INSERT INTO payment_charges (id, idempotency_key, reference, status, amount,"
                " refunded_amount, card_brand, card_last4)"
                " VALUES (:id, :key, :ref, :status, 4200, 0, 'visa', '4242')"
            ),
            {"id": f"ch_{n}", "key": f"key-{n}", "ref": checkout, "status": status},
        )


def order(engine, checkout: str, units: int = 1) -> None:
    with engine.begin() as conn:
        user = conn.execute(
            text(
                "INSERT INTO users (email, password_hash, role)"
                " VALUES (:e, 'x', 'shopper') RETURNING id"
            ),
            {"e": f"soak-{checkout}@example.com"},
        ).scalar_one()
        conn.execute(
            text(
                "INSERT INTO orders (id, user_id, checkout_id, total, ordered_at, status,"
                " shipping_address, payment_reference, timeline)"
                " VALUES (:o, :u, :c, 4200, now(), 'PENDING', '{}', 'ch_x', '[]')"
            ),
            {"o": f"order-{checkout}", "u": user, "c": checkout},
        )
        conn.execute(
            text(
                "INSERT INTO order_lines (order_id, item_id, quantity, unit_price, name)"
                " VALUES (:o, :i, :q, 4200, 'Desk Lamp')"
            ),
            {"o": f"order-{checkout}", "i": ITEM, "q": units},
        )


def test_a_checkout_declined_then_captured_with_its_order_balances(books):
    engine, dsn = books
    charge(engine, "co-1", "DECLINED")
    charge(engine, "co-1", "CAPTURED")
    order(engine, "co-1")
    assert ledger(dsn) == {
        "checkouts_paid": 1,
        "orders": 1,
        "double_charges": 0,
        "paid_without_order": 0,
        "orders_without_payment": 0,
        "authorized_not_captured": 0,
    }


def test_a_second_charge_held_for_one_checkout_is_a_double_charge(books):
    engine, dsn = books
    charge(engine, "co-2", "CAPTURED")
    charge(engine, "co-2", "AUTHORIZED")
    order(engine, "co-2")
    assert ledger(dsn)["double_charges"] == 1


def test_a_capture_without_an_order_and_an_order_without_a_capture_are_counted(books):
    engine, dsn = books
    charge(engine, "co-3", "CAPTURED")
    charge(engine, "co-4", "VOIDED")
    order(engine, "co-4")
    found = ledger(dsn)
    assert (found["paid_without_order"], found["orders_without_payment"]) == (1, 1)


def test_units_ordered_beyond_those_loaded_are_oversold(books):
    engine, dsn = books
    order(engine, "co-5", units=3)
    assert oversold(dsn, {ITEM: 3}) == 0
    assert oversold(dsn, {ITEM: 2}) == 1


def test_a_viewer_left_on_an_old_stock_is_stale(tmp_path):
    snapshot = tmp_path / "viewers.json"
    rows = [[ITEM, 4, "10", True, 0], [ITEM, 5, "9", True, 1], [8, None, None, False, 3]]
    snapshot.write_text(json.dumps({"viewers": rows}))
    assert stale_viewers(snapshot, {ITEM: 4, 8: 0}) == (3, 2)
