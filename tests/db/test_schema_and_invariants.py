"""The schema matches the models, the database refuses oversells, and `shopflow check` catches breakage."""

from __future__ import annotations

import os
import subprocess
import sys
from datetime import UTC, datetime, timedelta

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import text
from sqlalchemy.exc import IntegrityError

from db.postgres.invariants import check_invariants
from db.postgres.models import Base
from settings import PROJECT_ROOT

pytestmark = pytest.mark.integration


@pytest.fixture
def one_item(engine):
    """Item 990001 with 7 units in warehouse 99001; removed afterwards."""
    with engine.begin() as conn:
        conn.execute(
            text(
                "INSERT INTO warehouses (id, name, region, latitude, longitude, active) "
                "VALUES (99001, 'Invariant Test DC', 'Test, US', 47.6, -122.3, true)"
            )
        )
        conn.execute(
            text(
                "INSERT INTO items (id, sku, name, description, category, brand, price) "
                "VALUES (990001, 'INV-1', 'Test Kettle', 'A kettle.', 'Home', 'Acme', 2999)"
            )
        )
        conn.execute(text("INSERT INTO aggregated_stock (item_id, stock) VALUES (990001, 7)"))
        conn.execute(
            text(
                "INSERT INTO warehouse_stock (item_id, warehouse_id, physical_stock, available_stock) "
                "VALUES (990001, 99001, 7, 7)"
            )
        )
    yield 990001
    with engine.begin() as conn:
        conn.execute(text("DELETE FROM reservations WHERE item_id = 990001"))
        conn.execute(text("DELETE FROM items WHERE id = 990001"))
        conn.execute(text("DELETE FROM warehouses WHERE id = 99001"))


def _report(engine):
    return check_invariants(engine, now=datetime.now(UTC))


def _hold(engine, item: int, checkout_id: str, quantity: int, expires_in: timedelta) -> None:
    """A checkout's HELD reservation, taken off the item's free stock as checkout does."""
    with engine.begin() as conn:
        conn.execute(
            text("UPDATE aggregated_stock SET stock = stock - :q WHERE item_id = :i"),
            {"i": item, "q": quantity},
        )
        conn.execute(
            text(
                "INSERT INTO reservations (checkout_id, item_id, quantity, expires_at, state) "
                "VALUES (:c, :i, :q, :exp, 'HELD')"
            ),
            {"c": checkout_id, "i": item, "q": quantity, "exp": datetime.now(UTC) + expires_in},
        )


def test_migrations_create_exactly_what_the_models_describe(engine):
    with engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn), Base.metadata)
    assert diff == []


def test_the_database_refuses_to_take_stock_below_zero(engine, one_item):
    with pytest.raises(IntegrityError), engine.begin() as conn:
        conn.execute(
            text("UPDATE aggregated_stock SET stock = stock - 8 WHERE item_id = :i"),
            {"i": one_item},
        )


def test_a_warehouse_cannot_have_more_available_than_on_its_shelves(engine, one_item):
    with pytest.raises(IntegrityError), engine.begin() as conn:
        conn.execute(
            text("UPDATE warehouse_stock SET available_stock = 8 WHERE item_id = :i"),
            {"i": one_item},
        )


def test_a_held_reservation_is_counted_on_both_sides_of_the_books(engine, one_item):
    _hold(engine, one_item, "co-inv-1", 2, expires_in=timedelta(minutes=5))
    assert _report(engine).ok


def test_the_checker_names_an_item_whose_stock_does_not_add_up(engine, one_item):
    with engine.begin() as conn:
        conn.execute(
            text("UPDATE aggregated_stock SET stock = 6 WHERE item_id = :i"), {"i": one_item}
        )
    report = _report(engine)
    assert not report.ok
    assert any(v.invariant == "I1" and f"item {one_item}" in v.detail for v in report.violations)


def test_a_hold_just_past_its_expiry_is_the_sweepers_to_release_not_a_violation(engine, one_item):
    _hold(engine, one_item, "co-inv-3", 1, expires_in=-timedelta(minutes=1))
    assert _report(engine).ok


def test_the_checker_flags_a_hold_the_sweeper_missed(engine, one_item):
    _hold(engine, one_item, "co-inv-2", 1, expires_in=-timedelta(hours=1))
    violations = _report(engine).violations
    assert [v.invariant for v in violations] == ["I3"]
    assert "co-inv-2" in violations[0].detail


def test_the_checker_flags_shelves_that_disagree_with_assigned_suborders(engine, one_item):
    with engine.begin() as conn:
        conn.execute(
            text("UPDATE warehouse_stock SET physical_stock = 9 WHERE item_id = :i"),
            {"i": one_item},
        )
    violations = _report(engine).violations
    assert any(v.invariant == "I2" and "warehouse 99001" in v.detail for v in violations)


def _shopflow_check(stack_settings) -> subprocess.CompletedProcess:
    env = {**os.environ, **stack_settings.service_env()}
    return subprocess.run(
        [sys.executable, "-m", "entrypoints", "check"],
        cwd=PROJECT_ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_shopflow_check_exits_zero_with_a_summary_when_the_books_balance(stack_settings, one_item):
    result = _shopflow_check(stack_settings)
    assert result.returncode == 0, result.stderr
    assert "invariants I1-I3 hold" in result.stdout


def test_shopflow_check_exits_one_and_names_the_broken_item(stack_settings, engine, one_item):
    with engine.begin() as conn:
        conn.execute(
            text("UPDATE aggregated_stock SET stock = 3 WHERE item_id = :i"), {"i": one_item}
        )
    result = _shopflow_check(stack_settings)
    assert result.returncode == 1
    assert f"item {one_item}" in result.stderr
