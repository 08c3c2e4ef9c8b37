"""The order desk's fake reads (tests/fakes/staff_orders.py) and the real adapter
(web/staff_orders/adapters.py over PostgreSQL) find customers and orders alike."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

import pytest

NOW = datetime.now(UTC).replace(microsecond=0)


@pytest.fixture(
    params=[
        pytest.param("fake", marks=pytest.mark.unit),
        pytest.param("real", marks=pytest.mark.integration),
    ]
)
def world(request):
    """(reads, new_customer() -> Customer, place(customer, at) -> order id)."""
    if request.param == "fake":
        from tests.fakes.staff_orders import FakeStaffOrderReads

        reads = FakeStaffOrderReads()

        def new_fake() -> object:
            return reads.add_customer(f"contract-{uuid.uuid4().hex[:12]}@example.com")

        return reads, new_fake, lambda customer, at: reads.add_order(customer, at=at).order_id
    from tests.web.contract_worlds import insert_order, real_sessions
    from web.staff_orders.adapters import SqlStaffOrderReads
    from web.staff_orders.ports import Customer

    sessions = real_sessions(request)

    def new_real() -> Customer:
        from db.postgres.users import create_user

        email = f"contract-{uuid.uuid4().hex[:12]}@example.com"
        with sessions.begin() as session:
            return Customer(create_user(session, email=email, password_hash="x").id, email)

    def place_real(customer, at: datetime) -> str:
        order_id = uuid.uuid4().hex
        insert_order(sessions, customer.customer_id, order_id, at)
        return order_id

    return SqlStaffOrderReads(sessions), new_real, place_real


def test_a_customer_is_found_by_the_exact_email_only(world):
    reads, new_customer, _ = world
    ann = new_customer()
    assert reads.customer(ann.email) == ann
    assert reads.customer("x" + ann.email) is None
    assert reads.customer("nobody@example.com") is None


def test_a_customers_orders_walk_newest_first_without_repeats(world):
    reads, new_customer, place = world
    ann, bob = new_customer(), new_customer()
    same = NOW - timedelta(days=3)
    at = [same] * 3 + [NOW - timedelta(days=d) for d in (1, 40)]
    placed = {place(ann, when): when for when in at}
    place(bob, NOW)
    newest_first = sorted(placed, key=lambda order_id: (placed[order_id], order_id), reverse=True)

    pages, after = [], None
    while True:
        page = reads.orders_of(ann.customer_id, limit=2, after=after)
        pages.append([order.order_id for order in page.orders])
        if page.last is None:
            break
        after = page.last

    assert pages == [newest_first[0:2], newest_first[2:4], newest_first[4:5]]
    assert all(o.units == 1 and o.status == "PENDING" for o in page.orders)


def test_any_order_is_found_with_its_customer_and_nothing_else_is(world):
    reads, new_customer, place = world
    ann = new_customer()
    order_id = place(ann, NOW)
    order = reads.find(order_id)
    assert order is not None and order.customer == ann
    assert order.status == "PENDING" and [line.quantity for line in order.lines] == [1]
    assert order.refunded == 0 and order.can_cancel
    assert reads.find(uuid.uuid4().hex) is None
    assert reads.find("no\x00pe") is None
