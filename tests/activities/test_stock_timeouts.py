"""Every stock transaction is bounded: a reserve stuck behind a row lock gives up (and
rolls back) well inside its activity attempt instead of committing after the workflow
has moved on (the late-commit leak, docs/reliability.md)."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import text
from sqlalchemy.exc import OperationalError

from db.postgres.timeouts import LOCK_TIMEOUT_MS, STATEMENT_TIMEOUT_MS
from domain.checkout import to_iso
from domain.stock import Line
from workflows.checkout_messages import ReserveRequest
from workflows.checkout_steps import ATTEMPT_TIMEOUT

pytestmark = pytest.mark.integration
A = 910001


def test_the_bounds_are_shorter_than_an_activity_attempt():
    attempt_ms = ATTEMPT_TIMEOUT.total_seconds() * 1000
    assert LOCK_TIMEOUT_MS < STATEMENT_TIMEOUT_MS < attempt_ms


def test_a_reserve_stuck_behind_a_row_lock_gives_up_and_holds_nothing(shop):
    checkout = f"co-test-{uuid.uuid4().hex}"
    request = ReserveRequest(
        checkout, (Line(A, 2),), to_iso(datetime.now(UTC) + timedelta(minutes=5))
    )
    with shop.engine.connect() as blocker:
        blocker.begin()
        blocker.execute(
            text("SELECT 1 FROM aggregated_stock WHERE item_id = :i FOR UPDATE"), {"i": A}
        )
        with pytest.raises(OperationalError, match="lock timeout"):
            shop.activities.reserve(request)
        blocker.rollback()
    assert shop.rows("SELECT * FROM reservations WHERE checkout_id = :c", c=checkout) == []
    assert shop.stock(A) == 10
    # The connection went back to the pool without the limits: a plain query may wait.
    with shop.engine.connect() as conn:
        assert conn.execute(text("SHOW lock_timeout")).scalar() == "0"
