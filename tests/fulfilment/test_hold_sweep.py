"""The hold sweeper on the real stack: its Schedule, created at worker start, frees the
stock of a checkout that was terminated (nothing else would ever give it back) and of a
hold long past its expiry, and leaves a live checkout's hold alone."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import text

from tests import sweeps
from tests.fulfilment.conftest import SEATTLE, Store
from tests.web.checkout_calls import begin, op, register_api_shopper
from workflows.checkout_messages import checkout_workflow_id
from workflows.hold_sweep_messages import CLOSED, EXPIRED, SweepResult

pytestmark = pytest.mark.integration


def holds(store: Store, checkout_id: str) -> list[str]:
    rows = store.rows(
        "SELECT state FROM reservations WHERE checkout_id = :c ORDER BY item_id", c=checkout_id
    )
    return [row.state for row in rows]


def sweep_once(store: Store) -> SweepResult:
    return store.temporal(lambda client: sweeps.sweep_once(client, store.settings))


def test_a_terminated_checkouts_hold_comes_back_after_one_sweep(store: Store):
    kettle = store.item({SEATTLE: 5})
    client = store.app.test_client()
    shopper = register_api_shopper(client, {kettle: 2})
    begun = begin(client, shopper)
    assert begun.status_code == 201, begun.get_json()
    checkout_id = begun.get_json()["checkoutID"]
    assert store.aggregated(kettle) == 3

    async def terminate(client):
        await client.get_workflow_handle(checkout_workflow_id(shopper.user_id)).terminate(
            "an operator ended it by hand"
        )

    store.temporal(terminate)
    assert holds(store, checkout_id) == ["HELD"]  # nothing else would ever release it

    result = sweep_once(store)

    assert holds(store, checkout_id) == ["RELEASED"]
    assert store.aggregated(kettle) == 5
    freed = [f for f in result.freed if f.checkout_id == checkout_id]
    # The worker's own Schedule sweeps every minute and may have got there first; either
    # way the hold came back exactly once (the stock above) for the reason below.
    assert [(f.reason, [(x.item_id, x.quantity) for x in f.lines]) for f in freed] in (
        [(CLOSED, [(kettle, 2)])],
        [],
    )
    store.check_invariants()


def test_a_live_checkout_keeps_its_hold_and_one_long_expired_is_freed(store: Store):
    lamp, stool = store.item({SEATTLE: 4}), store.item({SEATTLE: 4})
    client = store.app.test_client()
    shopper = register_api_shopper(client, {lamp: 1})
    live = begin(client, shopper).get_json()["checkoutID"]
    # A hold whose checkout nobody knows any more, expired an hour ago.
    orphan = f"orphan-{uuid.uuid4().hex}"
    with store.engine.begin() as conn:
        conn.execute(
            text("UPDATE aggregated_stock SET stock = stock - 3 WHERE item_id = :i"), {"i": stool}
        )
        conn.execute(
            text(
                "INSERT INTO reservations (checkout_id, item_id, quantity, expires_at, state) "
                "VALUES (:c, :i, 3, :exp, 'HELD')"
            ),
            {"c": orphan, "i": stool, "exp": datetime.now(UTC) - timedelta(hours=1)},
        )

    result = sweep_once(store)

    assert holds(store, live) == ["HELD"] and store.aggregated(lamp) == 3
    assert holds(store, orphan) == ["RELEASED"] and store.aggregated(stool) == 4
    # (Unless the worker's own Schedule swept it first: the stock above is back once.)
    assert [f.reason for f in result.freed if f.checkout_id == orphan] in ([EXPIRED], [])
    assert not [f for f in result.freed if f.checkout_id == live]
    store.check_invariants()
    assert op(client, shopper, "CANCEL", live).status_code == 200
