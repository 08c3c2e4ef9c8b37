"""SIGKILL the worker in the middle of the work, start another: checkouts and the
compensation of a cancelled order finish, exactly once (spec sections 4 and 8)."""

from __future__ import annotations

import threading

import pytest
from sqlalchemy import text

from tests.fault.conftest import wait_until
from tests.fulfilment.conftest import MIAMI, SEATTLE, Store
from tests.web.checkout_calls import place_order, register_api_shopper
from workflows.order import OrderWorkflow
from workflows.order_messages import CancelOrder, order_workflow_id

pytestmark = pytest.mark.integration


def test_a_cancel_interrupted_by_a_worker_crash_finishes_on_restart_refunding_once(
    store: Store, worker
):
    kettle = store.item({SEATTLE: 1, MIAMI: 2})
    shopper, order_id = store.order({kettle: 3})
    store.assigned(order_id, warehouses=2)
    charge = store.scalar("SELECT payment_reference FROM orders WHERE id = :o", o=order_id)
    total = store.scalar("SELECT total FROM orders WHERE id = :o", o=order_id)

    # Hold the payment's ledger row, so the refund (the last step) stops in the middle.
    blocker = store.engine.connect()
    blocker.begin()
    blocker.execute(text("SELECT 1 FROM payment_charges WHERE id = :c FOR UPDATE"), {"c": charge})
    answers: list = []

    async def cancel(client):
        handle = client.get_workflow_handle_for(OrderWorkflow.run, order_workflow_id(order_id))
        return await handle.execute_update(OrderWorkflow.cancel, CancelOrder(shopper.user_id))

    canceller = threading.Thread(target=lambda: answers.append(store.temporal(cancel)))
    canceller.start()
    try:
        # The stock is back and the order CANCELLED; the refund waits on our lock.
        wait_until(lambda: store.order_status(order_id) == "CANCELLED", what="cancelled")
        wait_until(
            lambda: store.scalar(
                "SELECT count(*) FROM pg_stat_activity "
                "WHERE datname = current_database() AND wait_event_type = 'Lock'"
            ),
            what="the refund waiting for the ledger row",
        )
        worker.kill()
    finally:
        blocker.rollback()
        blocker.close()
    assert store.refunds(order_id) == []  # the crash came before the money moved

    worker.start()  # a new process; Temporal retries the refund once its attempt times out
    canceller.join(60)

    assert answers and answers[0].status == "CANCELLED"
    assert store.refunds(order_id) == [(f"refund-{order_id}", total)]
    assert store.scalar("SELECT status FROM payment_charges WHERE id = :c", c=charge) == "REFUNDED"
    assert store.aggregated(kettle) == 3
    assert store.shelf(kettle) == {SEATTLE: (1, 1), MIAMI: (2, 2)}
    assert store.events(order_id).count("refunded") == 1
    store.check_invariants()


def test_checkouts_caught_in_a_worker_crash_finish_on_a_new_worker_charged_once(
    store: Store, worker
):
    shoppers = 6
    lamp = store.item({SEATTLE: 10, MIAMI: 10})
    buyers = [register_api_shopper(store.app.test_client(), {lamp: 1}) for _ in range(shoppers)]

    # Hold the item's stock row: every reservation stops inside its transaction.
    blocker = store.engine.connect()
    blocker.begin()
    blocker.execute(
        text("SELECT 1 FROM aggregated_stock WHERE item_id = :i FOR UPDATE"), {"i": lamp}
    )
    orders: list[str] = []
    failures: list[BaseException] = []

    def buy(shopper) -> None:
        try:
            orders.append(place_order(store.app.test_client(), shopper)["orderID"])
        except BaseException as error:  # reported below with the rest
            failures.append(error)

    threads = [threading.Thread(target=buy, args=(shopper,)) for shopper in buyers]
    for thread in threads:
        thread.start()
    try:
        wait_until(
            lambda: store.scalar(
                "SELECT count(*) FROM pg_stat_activity "
                "WHERE datname = current_database() AND wait_event_type = 'Lock'"
            ),
            what="reservations waiting for the stock row",
        )
        # In flight at the kill: reservations begun (waiting inside their transaction)
        # and no checkout finished, since every one needs the row we hold.
        waiting_at_kill, finished_at_kill = (
            store.scalar(
                "SELECT count(*) FROM pg_stat_activity "
                "WHERE datname = current_database() AND wait_event_type = 'Lock'"
            ),
            len(orders),
        )
        worker.kill()  # mid-transaction: PostgreSQL rolls the reservations back
    finally:
        blocker.rollback()
        blocker.close()
    worker.start()
    for thread in threads:
        thread.join(120)

    assert waiting_at_kill >= 1 and finished_at_kill == 0, (waiting_at_kill, finished_at_kill)
    assert not failures, failures
    assert len(set(orders)) == shoppers
    assert store.aggregated(lamp) == 20 - shoppers
    captured = store.rows(
        "SELECT o.id, count(c.id) AS charges FROM orders o "
        "JOIN payment_charges c ON c.reference = o.checkout_id AND c.status = 'CAPTURED' "
        "WHERE o.id = ANY(:ids) GROUP BY o.id",
        ids=orders,
    )
    assert sorted(row.charges for row in captured) == [1] * shoppers  # one charge per order
    for order_id in orders:  # and fulfilment carried on for every one of them
        store.until(
            lambda order_id=order_id: store.suborders(order_id), what=f"{order_id} assigned"
        )
    store.check_invariants()
