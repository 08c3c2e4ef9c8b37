"""A return's activities on real PostgreSQL through the sandbox gateway's ledger: each
runs again as Temporal would retry it, and nothing happens twice: one refund under
`refund-return-<returnID>`, the units back on the shelf once, one timeline entry per
step (docs/returns.md)."""

from __future__ import annotations

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
RETURN_ID = "RT-ACTIVITY001"


@pytest.fixture
def returned(shop):
    """An order of 2 A + 1 B, delivered in one parcel, one A authorised for return."""
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
            RETURN_ID,
            placed,
            ParcelReturn(suborder, WAREHOUSE, ((A, 1),), 1_999),
            "Too big",
        )
    yield order, auth, ReturnActivities(sessions, SandboxGateway(sessions, TEST_SEALER))
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
    order, auth, steps = returned
    before = shelf(shop)
    request = ReturnRequest(RETURN_ID)

    assert steps.mark_received(request).changed and not steps.mark_received(request).changed
    first, again = steps.refund(request), steps.refund(request)
    assert steps.restock(request).changed and not steps.restock(request).changed
    closing = CloseReturnRequest(RETURN_ID, "REFUNDED")
    assert steps.close(closing).changed and not steps.close(closing).changed

    assert first == again and first.amount == 1_999
    ledger = shop.rows(
        "SELECT idempotency_key, amount FROM payment_refunds WHERE charge_id = :c",
        c=auth.authorization_id,
    )
    assert [tuple(row) for row in ledger] == [(f"refund-return-{RETURN_ID}", 1_999)]
    physical, available, aggregated = before
    assert shelf(shop) == (physical + 1, available + 1, aggregated + 1)
    assert shop.scalar("SELECT status FROM returns WHERE id = :r", r=RETURN_ID) == "REFUNDED"
    timeline = shop.scalar("SELECT timeline FROM orders WHERE id = :o", o=order.order_id)
    events = [entry["event"] for entry in timeline if entry["event"].startswith("return")]
    assert events == [f"return-received:{RETURN_ID}", f"return-refunded:{RETURN_ID}"]
    assert_invariants()


def test_a_refund_above_what_is_left_is_refused_before_the_gateway(shop, returned):
    order, auth, steps = returned
    with shop.engine.begin() as conn:  # the rest of the payment went back another way
        conn.execute(
            text("UPDATE returns SET refund_amount = :t WHERE id = :r"),
            {"t": order.total + 1, "r": RETURN_ID},
        )

    with pytest.raises(ApplicationError) as refused:
        steps.refund(ReturnRequest(RETURN_ID))

    assert refused.value.type == "RefundRefused" and refused.value.non_retryable
    count = "SELECT count(*) FROM payment_refunds WHERE charge_id = :c"
    assert shop.scalar(count, c=auth.authorization_id) == 0


def test_an_unknown_return_is_a_business_error(returned):
    _, _, steps = returned
    with pytest.raises(ApplicationError) as refused:
        steps.mark_received(ReturnRequest("RT-NOSUCH"))
    assert refused.value.type == "UnknownReturn"
