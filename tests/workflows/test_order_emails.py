"""The emails an order sends (docs/email.md): one per event, keyed by the event, with
the planned parcels in the "placed" one and the refund in the "cancelled" one. Real
workflows on the time-skipping server, fake activities (tests/workflows/order_fakes.py)."""

from __future__ import annotations

import pytest

from tests.workflows.environment import run as run_in_session
from tests.workflows.order_fakes import ORDER, USER, FakeWarehouses, order_harness
from workflows.mail_messages import MailParcel
from workflows.order import OrderWorkflow
from workflows.order_messages import CancelOrder

pytestmark = pytest.mark.workflow

S1, S2 = f"{ORDER}-S1", f"{ORDER}-S2"


def run(scenario):
    return run_in_session(scenario())


def test_a_delivered_order_mails_placed_each_parcel_shipped_and_delivered_once_each():
    store = FakeWarehouses(available={1: {10: 2}, 2: {11: 3}}, order_lines={10: 1, 11: 2})

    async def scenario():
        async with order_harness(store) as h:
            handle = await h.start()
            await h.until_assigned()
            for parcel in (S1, S2):
                await h.ship(parcel)
            await h.until(lambda v: v.status == "SHIPPED")
            for parcel in (S1, S2):
                await h.deliver(parcel)
            return await handle.result()

    final = run(scenario)

    assert final.status == "DELIVERED"
    assert sorted(store.emails) == sorted(
        [
            f"order-placed:{ORDER}",
            f"parcel-shipped:{S1}",
            f"parcel-shipped:{S2}",
            f"order-delivered:{ORDER}",
        ]
    )
    placed = store.emails[f"order-placed:{ORDER}"]
    assert placed.parcels == (MailParcel(1, 1), MailParcel(2, 2))
    assert store.email_attempts == 4  # each event asked for once


def test_a_cancelled_order_mails_the_cancel_with_its_refund():
    store = FakeWarehouses(available={1: {10: 2}}, order_lines={10: 1})

    async def scenario():
        async with order_harness(store) as h:
            handle = await h.start()
            await h.until_assigned()
            await handle.execute_update(OrderWorkflow.cancel, CancelOrder(USER))
            return await handle.result()

    final = run(scenario)

    assert final.status == "CANCELLED"
    assert sorted(store.emails) == [f"order-cancelled:{ORDER}", f"order-placed:{ORDER}"]
    assert store.emails[f"order-cancelled:{ORDER}"].refund == store.total
