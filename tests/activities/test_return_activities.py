"""A return's activities on real PostgreSQL through the sandbox gateway's ledger: each
runs again as Temporal would retry it, and nothing happens twice: one refund under
`refund-return-<returnID>`, the units back on the shelf once, one timeline entry per
step (docs/returns.md)."""

from __future__ import annotations

import uuid

import pytest
from sqlalchemy import text
from temporalio.exceptions import ApplicationError

from activities.fulfilment import FulfilmentActivities
from activities.returns import ReturnActivities
from db.postgres.engine import make_session_factory
from db.postgres.returns import add_return, lock_order
from domain.returns import ParcelReturn
from domain.stock import Line
from payments.sandbox import SandboxGateway
from tests.activities.conftest import WAREHOUSE
from tests.activities.test_checkout_activities import A, B, order_request, paid_and_reserved
from tests.payments.vault import TEST_SEALER
from workflows.order_messages import AssignRequest, SuborderRequest
from workflows.return_messages import CloseReturnRequest, ReturnRequest

pytestmark = pytest.mark.integration


@pytest.fixture
def returned(shop):
    """An order of 2 A + 1 B, delivered in one parcel, one A authorised for return; its
    number is new each time (the gateway's ledger outlives the test's orders)."""
    return_id = f"RT-{uuid.uuid4().hex[:12].upper()}"
    checkout, reserved, auth = paid_and_reserved(shop, {A: 2, B: 1})
    order = shop.activities.submit_order(order_request(checkout, reserved, auth))
    sessions = make_session_factory(shop.engine)
    fulfilment = FulfilmentActivities(sessions)
    suborder = f"{order.order_id}-S1"
    fulfilment.assign(AssignRequest(order.order_id, suborder, WAREHOUSE, (Line(A, 2), Line(B, 1))))
    fulfilment.mark_shipped(SuborderRequest(suborder))
    fulfilment.mark_delivered(SuborderRequest(suborder))
    with sessions.begin() as session:
        placed = lock_order(session, order.order_id)
        add_return(
            session,
            return_id,
            placed,
            ParcelReturn(suborder, WAREHOUSE, ((A, 1),), 1_999),
            "Too big",
        )
    yield order, auth, ReturnActivities(sessions, SandboxGateway(sessions, TEST_SEALER)), return_id
    with shop.engine.begin() as conn:
        conn.execute(
            text("DELETE FROM warehouse_orders WHERE order_id = :o"), {"o": order.order_id}
        )


def shelf(shop) -> tuple[int, int, int]:
    return tuple(
        shop.rows(
            "SELECT w.physical_stock, w.available_stock, a.stock FROM warehouse_stock w "
            "JOIN aggregated_stock a USING (item_id) WHERE item_id = :i AND warehouse_id = :w",
            i=A,
            w=WAREHOUSE,
        )[0]
    )


def test_every_step_run_twice_refunds_once_and_restocks_once(shop, returned, assert_invariants):
    order, auth, steps, return_id = returned
    before = shelf(shop)
    request = ReturnRequest(return_id)

    assert steps.mark_received(request).changed and not steps.mark_received(request).changed
    first, again = steps.refund(request), steps.refund(request)
    assert steps.restock(request).changed and not steps.restock(request).changed
    closing = CloseReturnRequest(return_id, "REFUNDED")
    assert steps.close(closing).changed and not steps.close(closing).changed

    assert first == again and first.amount == 1_999
    ledger = shop.rows(
        "SELECT idempotency_key, amount FROM payment_refunds WHERE charge_id = :c",
        c=auth.authorization_id,
    )
    assert [tuple(row) for row in ledger] == [(f"refund-return-{return_id}", 1_999)]
    physical, available, aggregated = before
    assert shelf(shop) == (physical + 1, available + 1, aggregated + 1)
    assert shop.scalar("SELECT status FROM returns WHERE id = :r", r=return_id) == "REFUNDED"
    timeline = shop.scalar("SELECT timeline FROM orders WHERE id = :o", o=order.order_id)
    events = [entry["event"] for entry in timeline if entry["event"].startswith("return")]
    assert events == [f"return-received:{return_id}", f"return-refunded:{return_id}"]
    assert_invariants()


def test_a_refund_above_what_is_left_is_refused_before_the_gateway(shop, returned):
    order, auth, steps, return_id = returned
    with shop.engine.begin() as conn:  # the rest of the payment went back another way
        conn.execute(
            text("UPDATE returns SET refund_amount = :t WHERE id = :r"),
            {"t": order.total + 1, "r": return_id},
        )

    with pytest.raises(ApplicationError) as refused:
        steps.refund(ReturnRequest(return_id))

    assert refused.value.type == "RefundRefused" and refused.value.non_retryable
    count = "SELECT count(*) FROM payment_refunds WHERE charge_id = :c"
    assert shop.scalar(count, c=auth.authorization_id) == 0


def test_an_unknown_return_is_a_business_error(returned):
    _, _, steps, _ = returned
    with pytest.raises(ApplicationError) as refused:
        steps.mark_received(ReturnRequest("RT-NOSUCH"))
    assert refused.value.type == "UnknownReturn"


def test_a_received_return_keeps_its_refund_from_an_operators_refund_of_the_rest(shop, returned):
    from web.refunds.adapters import SqlStaffRefunds

    order, auth, steps, return_id = returned
    steps.mark_received(ReturnRequest(return_id))
    sessions = make_session_factory(shop.engine)
    operators = SqlStaffRefunds(sessions, SandboxGateway(sessions, TEST_SEALER))

    rest = operators.refund(1, order.order_id, None, "Goodwill", "k-1")
    refunded = steps.refund(ReturnRequest(return_id))

    assert rest.amount == order.total - 1_999 and refunded.amount == 1_999
    charge = "SELECT refunded_amount FROM payment_charges WHERE id = :c"
    assert shop.scalar(charge, c=auth.authorization_id) == order.total
