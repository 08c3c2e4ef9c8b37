"""Answers that never came back: a payment the gateway held while the call timed out
must not stay held once the checkout ends; an order a lost attempt wrote is kept."""

from __future__ import annotations

from datetime import timedelta

import pytest

from domain.checkout import CheckoutStatus
from tests.workflows.checkout_fakes import (
    ADA,
    FakeStore,
    checkout_harness,
    pay_request,
    pay_then_cancel,
    run_scenario,
)
from workflows.checkout import CheckoutWorkflow
from workflows.checkout_messages import CancelRequest

pytestmark = pytest.mark.workflow


def test_a_hold_left_by_a_lost_payment_answer_is_voided_when_the_checkout_expires():
    store = FakeStore(stock={1: 3}, lose_authorize_answers=True)

    async def scenario():
        async with checkout_harness(store) as h:
            await h.begin(ADA, {1: 1})
            paid = await h.handle(ADA).execute_update(CheckoutWorkflow.pay, pay_request(ADA))
            held_meanwhile = store.charge_statuses()
            await h.env.sleep(timedelta(minutes=6))
            return paid, held_meanwhile, await h.handle(ADA).result()

    paid, held_meanwhile, final = run_scenario(scenario)

    assert not paid.approved and "could not reach the payment service" in paid.message
    assert held_meanwhile == ["AUTHORIZED"]  # what the shopper was never told about
    assert final.status is CheckoutStatus.EXPIRED
    assert store.charge_statuses() == ["VOIDED"]
    assert store.stock == {1: 3}


def test_cancelling_after_a_lost_payment_answer_voids_the_hold_too():
    store = FakeStore(stock={1: 3}, lose_authorize_answers=True)

    final = pay_then_cancel(store)

    assert final.status is CheckoutStatus.CANCELLED
    assert store.charge_statuses() == ["VOIDED"]
    assert "void_unsettled" in store.calls and "void_payment" not in store.calls


def test_a_checkout_that_never_reached_the_gateway_has_nothing_to_void():
    store = FakeStore(stock={1: 3})

    async def scenario():
        async with checkout_harness(store) as h:
            await h.begin(ADA, {1: 1})
            return await h.handle(ADA).execute_update(CheckoutWorkflow.cancel, CancelRequest(ADA))

    final = run_scenario(scenario)

    assert final.status is CheckoutStatus.CANCELLED
    assert "void_unsettled" not in store.calls and store.charges == {}


def test_an_order_written_by_a_lost_attempt_is_kept_when_the_hold_would_expire():
    store = FakeStore(stock={1: 3})

    async def scenario():
        async with checkout_harness(store) as h:
            begun = await h.begin(ADA, {1: 1})
            await h.handle(ADA).execute_update(CheckoutWorkflow.pay, pay_request(ADA))
            # A worker died after submit_order committed and before the workflow saw it.
            [charge] = store.charges.values()
            charge["status"] = "CAPTURED"
            store.consumed[begun.checkout_id] = store.held.pop(begun.checkout_id)
            store.orders[begun.checkout_id] = "order-from-a-lost-attempt"
            await h.env.sleep(timedelta(minutes=6))
            return await h.handle(ADA).result()

    final = run_scenario(scenario)

    assert (
        final.status is CheckoutStatus.SUBMITTED and final.order_id == "order-from-a-lost-attempt"
    )
    assert store.charge_statuses() == ["CAPTURED"]  # never refunded under a real order
    assert "void_payment" not in store.calls and store.stock == {1: 2}
