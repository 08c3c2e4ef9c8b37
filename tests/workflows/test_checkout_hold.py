"""CheckoutWorkflow's hold: BEGIN holds the stock once, for five minutes, and expiry or a
cancel gives it back; a payment is accepted only while the hold lasts. On the
time-skipping server with fake activities (tests/workflows/checkout_fakes.py)."""

from __future__ import annotations

import asyncio
from datetime import timedelta

import pytest
from temporalio.client import WorkflowUpdateFailedError
from temporalio.service import RPCError

from domain.checkout import CheckoutStatus, from_iso
from domain.stock import ShortLine
from tests.workflows.checkout_fakes import (
    ADA,
    PRODUCTION_HOLD_SECONDS,
    FakeStore,
    checkout_harness,
    pay_request,
    run_scenario,
    update_error,
)
from tests.workflows.environment import run as run_in_session
from workflows.checkout import CheckoutWorkflow
from workflows.checkout_messages import CancelRequest, SubmitRequest

pytestmark = pytest.mark.workflow


def test_the_hold_lasts_five_minutes_from_begin():
    store = FakeStore(stock={1: 3})

    async def scenario():
        async with checkout_harness(store) as h:
            before = await h.env.get_current_time()
            begun = await h.begin(ADA, {1: 1})
            return before, begun

    before, begun = run_scenario(scenario)

    held_for = from_iso(begun.expires_at) - before
    # The contract's five minutes, held for as long as production's settings say.
    assert timedelta(minutes=5) <= held_for < timedelta(minutes=5, seconds=5)


def test_a_double_click_on_begin_holds_the_stock_once():
    store = FakeStore(stock={1: 5})

    async def scenario():
        async with checkout_harness(store) as h:
            first, second = await asyncio.gather(h.begin(ADA, {1: 2}), h.begin(ADA, {1: 2}))
            third = await h.begin(ADA, {1: 2})
            return first, second, third

    first, second, third = run_scenario(scenario)

    assert first.checkout_id == second.checkout_id == third.checkout_id
    assert store.stock == {1: 3}  # one hold, however many BEGINs
    assert list(store.held) == [first.checkout_id]


def test_begin_reports_every_line_that_ran_short_and_holds_nothing():
    store = FakeStore(stock={1: 1, 2: 0, 3: 5})

    async def scenario():
        async with checkout_harness(store) as h:
            refused = await h.begin(ADA, {1: 2, 2: 1, 3: 1})
            final = await h.handle(ADA).result()
            again = await h.begin(ADA, {1: 1, 3: 1})  # a new checkout can start at once
            return refused, final, again

    refused, final, again = run_scenario(scenario)

    assert refused.status is CheckoutStatus.OUT_OF_STOCK
    assert refused.short_lines == (ShortLine(1, 2, 1), ShortLine(2, 1, 0))
    assert final.status is CheckoutStatus.OUT_OF_STOCK
    assert again.status is CheckoutStatus.RESERVED and again.checkout_id != refused.checkout_id
    assert store.stock == {1: 0, 2: 0, 3: 4}


def test_a_cart_with_a_bad_quantity_is_rejected_without_touching_stock():
    store = FakeStore(stock={1: 5})

    async def scenario():
        async with checkout_harness(store) as h:
            return await h.begin(ADA, {1: 0})

    refused = run_scenario(scenario)

    assert refused.status is CheckoutStatus.REJECTED and "quantity" in refused.message
    assert store.calls == []


def test_a_reserve_retried_after_a_lost_connection_holds_the_stock_once():
    store = FakeStore(stock={1: 5}, fail_first_reserve_after_commit=True)

    async def scenario():
        async with checkout_harness(store) as h:
            return await h.begin(ADA, {1: 2})

    begun = run_scenario(scenario)

    assert begun.status is CheckoutStatus.RESERVED
    assert store.calls == ["reserve", "reserve"] and store.stock == {1: 3}


def test_an_unpaid_hold_gives_the_stock_back_after_five_minutes():
    store = FakeStore(stock={1: 3})

    async def scenario():
        async with checkout_harness(store) as h:
            begun = await h.begin(ADA, {1: 2})
            await h.env.sleep(timedelta(minutes=4, seconds=50))
            still_held = dict(store.stock)
            await h.env.sleep(timedelta(seconds=15))
            return begun, still_held, await h.handle(ADA).result()

    begun, still_held, final = run_scenario(scenario)

    assert begun.status is CheckoutStatus.RESERVED
    assert still_held == {1: 1}
    assert final.status is CheckoutStatus.EXPIRED and final.order_id is None
    assert store.stock == {1: 3} and store.calls == ["reserve", "release"]


def test_cancelling_gives_the_stock_back_at_once():
    store = FakeStore(stock={1: 3})

    async def scenario():
        async with checkout_harness(store) as h:
            await h.begin(ADA, {1: 3})
            held = dict(store.stock)
            cancelled = await h.handle(ADA).execute_update(
                CheckoutWorkflow.cancel, CancelRequest(ADA)
            )
            return held, cancelled, await h.handle(ADA).result()

    held, cancelled, final = run_scenario(scenario)

    assert held == {1: 0}
    assert cancelled.status is CheckoutStatus.CANCELLED and final.status is CheckoutStatus.CANCELLED
    assert store.stock == {1: 3}


def test_a_payment_after_the_deadline_is_refused_and_never_charged():
    store = FakeStore(stock={1: 3}, release_gate=asyncio.Event())

    async def scenario():
        async with checkout_harness(store) as h:
            # A short task timeout makes the worker report in while the release is stuck,
            # so the late payment reaches the workflow's validator, not a closed workflow.
            await h.begin(ADA, {1: 1}, task_timeout=timedelta(seconds=2))
            await h.env.sleep(timedelta(seconds=PRODUCTION_HOLD_SECONDS + 1))
            with pytest.raises(WorkflowUpdateFailedError) as refused:
                await h.handle(ADA).execute_update(CheckoutWorkflow.pay, pay_request(ADA))
            store.release_gate.set()
            final = await h.handle(ADA).result()
            with pytest.raises((WorkflowUpdateFailedError, RPCError)):
                await h.handle(ADA).execute_update(CheckoutWorkflow.pay, pay_request(ADA))
            return update_error(refused), final

    refused, final = run_scenario(scenario)

    assert refused.type == "CheckoutExpired" and "expired" in refused.message
    assert final.status is CheckoutStatus.EXPIRED
    assert "authorize" not in store.calls and store.charges == {}
    assert store.stock == {1: 3}


def test_the_hold_does_not_lapse_while_the_card_is_being_charged():
    # On the real dev server: the time-skipping server cannot fire a timer while a local
    # activity runs ("invalid history builder state for action", checked). So the test
    # waits for the deadline itself, never for a fixed time: a short hold, the payment
    # accepted before it (checked, not assumed: a machine too busy to pay within the
    # hold tries again with a longer one), then the deadline passing while the gateway
    # thinks, judged by the server's clock.
    for hold_seconds in (2, 5, 10):  # the gateway may think 30 s at most (SHOPPER_WAITING)
        store = FakeStore(stock={1: 3}, authorize_gate=asyncio.Event())
        outcome = run_in_session(_pay_across_the_deadline(store, hold_seconds))
        if outcome is not None:
            break
    else:
        pytest.fail("the payment never arrived within even a 10-second hold")
    begun, paid, now, placed, final = outcome

    assert now > from_iso(begun.expires_at)  # the deadline passed while the gateway thought
    assert paid.approved and paid.status is CheckoutStatus.PAYMENT_AUTHORIZED
    assert from_iso(paid.expires_at) - now > timedelta(seconds=50)  # time left to place the order
    assert final.status is CheckoutStatus.SUBMITTED and final.order_id == placed.order_id
    assert "release" not in store.calls and store.charge_statuses() == ["CAPTURED"]


async def _pay_across_the_deadline(store: FakeStore, hold_seconds: int):
    """None if the payment came too late to be accepted (the machine was too busy)."""
    async with checkout_harness(store, real_time=True) as h:
        begun = await h.begin(ADA, {1: 1}, ttl_seconds=hold_seconds)
        paying = asyncio.create_task(
            h.handle(ADA).execute_update(CheckoutWorkflow.pay, pay_request(ADA))
        )
        while "authorize" not in store.calls:  # accepted: the gateway is thinking ...
            if paying.done():
                with pytest.raises(WorkflowUpdateFailedError) as refused:
                    paying.result()
                assert update_error(refused).type == "CheckoutExpired"
                return None
            await asyncio.sleep(0.02)
        while await h.env.get_current_time() <= from_iso(begun.expires_at):  # ... past it
            await asyncio.sleep(0.1)
        store.authorize_gate.set()
        paid = await paying
        now = await h.env.get_current_time()
        placed = await h.handle(ADA).execute_update(CheckoutWorkflow.submit, SubmitRequest(ADA))
        return begun, paid, now, placed, await h.handle(ADA).result()
