"""The order desk's refund form (web/refunds/pages.py) on fakes: the order desk's reads
(tests/fakes/staff_orders.py) show the order, the refunds' fake takes the refund
(tests/fakes/refunds.py). The money through the real gateway: test_returns_stack.py."""

from __future__ import annotations

import pytest

from tests.fakes.refunds import FakeStaffRefunds
from tests.fakes.signed_in import account, browser
from tests.fakes.staff_orders import FakeStaffCancel, FakeStaffOrderReads
from tests.web.fakes import fake_services, fake_settings
from web import create_app

pytestmark = pytest.mark.web

TEA = 7  # the fake desk's one line: 1 Tea Tin at $30.00


@pytest.fixture
def desk():
    settings = fake_settings()
    services = fake_services(settings)
    services.staff_orders = reads = FakeStaffOrderReads()
    services.staff_cancel = FakeStaffCancel(reads)
    services.refunds = refunds = FakeStaffRefunds()
    app = create_app(settings, services=services)
    app.config["TESTING"] = True
    order = reads.add_order(reads.add_customer("ada@example.com"), status="DELIVERED")
    refunds.place(order.order_id, {TEA: (1, 3_000)})
    yield app, order.order_id, refunds
    services.close()


def test_the_order_desk_offers_a_refund_beside_cancel(desk):
    app, order_id, _ = desk

    page = browser(app, account("operator")).get(f"/staff/orders/{order_id}")

    html = page.get_data(as_text=True)
    assert 'data-test="staff-refund"' in html and f'name="qty-{TEA}"' in html


def test_a_refund_from_the_desk_is_made_once_however_often_it_is_posted(desk):
    app, order_id, refunds = desk
    operator = browser(app, account("operator"))
    form = {f"qty-{TEA}": "1", "reason": "Dented tin"}

    first = operator.post(f"/staff/orders/{order_id}/refund", data=form)
    again = operator.post(f"/staff/orders/{order_id}/refund", data=form)

    assert first.status_code == again.status_code == 303
    assert refunds.refunded(order_id) == 3_000 and len(refunds.done) == 1


def test_a_refund_past_what_is_left_is_refused_with_the_reason(desk):
    app, order_id, refunds = desk
    operator = browser(app, account("operator"))
    operator.post(f"/staff/orders/{order_id}/refund", data={"reason": "All of it"})

    refused = operator.post(f"/staff/orders/{order_id}/refund", data={"reason": "Again"})

    assert refused.status_code == 409 and b"left to refund" in refused.data
    assert refunds.refunded(order_id) == 3_000


def test_only_operators_refund_from_the_desk(desk):
    app, order_id, refunds = desk
    posted = browser(app, account("shopper")).post(
        f"/staff/orders/{order_id}/refund", data={"reason": "x"}
    )
    assert posted.status_code == 403 and refunds.done == {}
