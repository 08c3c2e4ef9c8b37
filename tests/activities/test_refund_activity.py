"""Refunding a cancelled order on real PostgreSQL through the sandbox gateway's ledger:
one refund per order however often the activity runs, and only for a cancelled order;
likewise the lines a partial cancel took off (docs/orders.md)."""

from __future__ import annotations

import pytest
from sqlalchemy import text
from temporalio.exceptions import ApplicationError

from activities.fulfilment import FulfilmentActivities
from activities.refunds import RefundActivities
from db.postgres.engine import make_session_factory
from payments.sandbox import SandboxGateway
from tests.activities.test_checkout_activities import A, B, order_request, paid_and_reserved
from tests.payments.vault import TEST_SEALER
from workflows.order_messages import (
    CancelOrderRequest,
    RefundOrderRequest,
    RefundUnshippedRequest,
)

pytestmark = pytest.mark.integration


@pytest.fixture
def placed(shop):
    """An order written by checkout (captured charge) that no warehouse has yet."""
    checkout, reserved, auth = paid_and_reserved(shop, {A: 2, B: 1})
    order = shop.activities.submit_order(order_request(checkout, reserved, auth))
    sessions = make_session_factory(shop.engine)
    return order, auth, RefundActivities(sessions, SandboxGateway(sessions, TEST_SEALER)), sessions


def test_a_cancelled_order_is_refunded_once_however_often_the_refund_runs(
    shop, placed, assert_invariants
):
    order, auth, refunds, sessions = placed
    FulfilmentActivities(sessions).cancel_order(CancelOrderRequest(order.order_id))

    first = refunds.refund_order(RefundOrderRequest(order.order_id))
    again = refunds.refund_order(RefundOrderRequest(order.order_id))

    assert first == again and first.amount == order.total == 2 * 1_999 + 4_550
    ledger = shop.rows(
        "SELECT idempotency_key, amount FROM payment_refunds WHERE charge_id = :c",
        c=auth.authorization_id,
    )
    assert [tuple(row) for row in ledger] == [(f"refund-{order.order_id}", order.total)]
    charge = shop.rows(
        "SELECT status, refunded_amount FROM payment_charges WHERE id = :c", c=auth.authorization_id
    )
    assert [tuple(row) for row in charge] == [("REFUNDED", order.total)]
    timeline = shop.scalar("SELECT timeline FROM orders WHERE id = :o", o=order.order_id)
    assert [entry["event"] for entry in timeline].count("refunded") == 1
    assert (shop.stock(A), shop.stock(B)) == (10, 10)
    assert_invariants()


def test_an_order_that_was_not_cancelled_is_never_refunded(shop, placed):
    order, auth, refunds, _ = placed

    with pytest.raises(ApplicationError) as refused:
        refunds.refund_order(RefundOrderRequest(order.order_id))

    assert refused.value.type == "NotCancelled" and refused.value.non_retryable
    assert (
        shop.scalar(
            "SELECT count(*) FROM payment_refunds WHERE charge_id = :c", c=auth.authorization_id
        )
        == 0
    )


def test_refunding_an_unknown_order_is_a_business_error(placed):
    _, _, refunds, _ = placed
    with pytest.raises(ApplicationError) as refused:
        refunds.refund_order(RefundOrderRequest("no-such-order"))
    assert refused.value.type == "UnknownOrder"


def test_only_the_lines_a_partial_cancel_took_off_are_refunded_once(shop, placed):
    order, auth, refunds, _ = placed
    with shop.engine.begin() as conn:  # what fulfilment.cancel_unshipped leaves (I1 holds)
        conn.execute(
            text(
                "UPDATE order_lines SET cancelled_quantity = 1 WHERE order_id = :o AND item_id = :i"
            ),
            {"o": order.order_id, "i": A},
        )
        conn.execute(
            text("UPDATE aggregated_stock SET stock = stock + 1 WHERE item_id = :i"), {"i": A}
        )
        conn.execute(
            text("UPDATE orders SET status = 'PARTLY_CANCELLED' WHERE id = :o"),
            {"o": order.order_id},
        )

    first = refunds.refund_unshipped(RefundUnshippedRequest(order.order_id))
    again = refunds.refund_unshipped(RefundUnshippedRequest(order.order_id))

    assert first == again and first.amount == 1_999  # one of the two A's, not the order
    ledger = shop.rows(
        "SELECT idempotency_key, amount FROM payment_refunds WHERE charge_id = :c",
        c=auth.authorization_id,
    )
    assert [tuple(row) for row in ledger] == [(f"refund-{order.order_id}-unshipped", 1_999)]
    timeline = shop.scalar("SELECT timeline FROM orders WHERE id = :o", o=order.order_id)
    assert [entry["event"] for entry in timeline].count("partly refunded") == 1


def test_an_order_nothing_was_taken_off_gets_no_partial_refund(shop, placed):
    order, auth, refunds, _ = placed

    with pytest.raises(ApplicationError) as refused:
        refunds.refund_unshipped(RefundUnshippedRequest(order.order_id))

    assert refused.value.type == "NotCancelled"
