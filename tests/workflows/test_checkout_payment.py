"""CheckoutWorkflow's money: paying, placing the order, the card charged exactly once and
given back when the order fails or a cancel wins. On the time-skipping server with fake
activities (tests/workflows/checkout_fakes.py)."""

from __future__ import annotations

import asyncio
from datetime import timedelta

import pytest
from temporalio.client import WorkflowUpdateFailedError, WorkflowUpdateStage
from temporalio.service import RPCError

from domain.checkout import CheckoutStatus
from payments.sandbox import DECLINED_CARD, INSUFFICIENT_FUNDS_CARD
from tests.workflows.checkout_fakes import (
    ADA,
    BOB,
    FakeStore,
    checkout_harness,
    pay_request,
    pay_then_cancel,
    run_scenario,
    update_error,
)
from tests.workflows.fake_fulfilment import HandedToFulfilment
from workflows.checkout import CheckoutWorkflow
from workflows.checkout_messages import CancelRequest, SubmitRequest
from workflows.order_messages import OrderInput, order_workflow_id

pytestmark = pytest.mark.workflow


def test_a_shopper_who_pays_in_time_gets_an_order_and_is_charged_once():
    store = FakeStore(stock={1: 5, 2: 5})

    async def scenario():
        async with checkout_harness(store) as h:
            begun = await h.begin(ADA, {2: 1, 1: 2})
            paid = await h.handle(ADA).execute_update(CheckoutWorkflow.pay, pay_request(ADA))
            placed = await h.handle(ADA).execute_update(CheckoutWorkflow.submit, SubmitRequest(ADA))
            final = await h.handle(ADA).result()
            described = await h.handle(ADA).describe()
            fulfilment = h.client.get_workflow_handle_for(
                HandedToFulfilment.run, order_workflow_id(placed.order_id)
            )
            handed = await fulfilment.query(HandedToFulfilment.handed)
            return begun, paid, placed, final, described.typed_search_attributes, handed

    begun, paid, placed, final, attributes, handed = run_scenario(scenario)

    assert begun.status is CheckoutStatus.RESERVED
    assert [(line.item_id, line.quantity, line.unit_price) for line in begun.lines] == [
        (1, 2, 1_999),
        (2, 1, 4_550),
    ]
    assert begun.total == 2 * 1_999 + 4_550
    assert paid.approved and paid.card_last4 == "4242"
    assert placed.order_id == final.order_id and placed.total == begun.total
    assert final.status is CheckoutStatus.SUBMITTED
    assert store.stock == {1: 3, 2: 4} and store.consumed[begun.checkout_id] == {1: 2, 2: 1}
    assert store.charge_statuses() == ["CAPTURED"]
    assert "release" not in store.calls
    found = {pair.key.name: pair.value for pair in attributes}
    assert found == {
        "CustomerId": str(ADA),
        "CheckoutStatus": "SUBMITTED",
        "OrderId": final.order_id,
    }
    # The order went on to its own workflow, with the worker's allocation strategy.
    assert handed == OrderInput(final.order_id, ADA, strategy="")


def test_a_declined_card_is_reported_and_another_card_can_be_tried_while_the_hold_lasts():
    store = FakeStore(stock={1: 3})

    async def scenario():
        async with checkout_harness(store) as h:
            await h.begin(ADA, {1: 1})
            pay = h.handle(ADA).execute_update
            declined = await pay(CheckoutWorkflow.pay, pay_request(ADA, DECLINED_CARD))
            broke = await pay(CheckoutWorkflow.pay, pay_request(ADA, INSUFFICIENT_FUNDS_CARD))
            state = await h.handle(ADA).query(CheckoutWorkflow.state)
            paid = await pay(CheckoutWorkflow.pay_and_submit, pay_request(ADA))
            return declined, broke, state, paid, await h.handle(ADA).result()

    declined, broke, state, paid, final = run_scenario(scenario)

    assert not declined.approved and declined.decline_code == "card_declined"
    assert "declined" in declined.message and declined.status is CheckoutStatus.RESERVED
    assert broke.decline_code == "insufficient_funds"
    assert state.status is CheckoutStatus.RESERVED and state.payment_error == broke.message
    assert paid.approved and paid.order_id == final.order_id
    assert final.status is CheckoutStatus.SUBMITTED and final.payment_error is None
    # Every try had its own idempotency key, so the decline did not stick to the last one.
    assert sorted(store.charges) == [f"{final.checkout_id}:pay:{n}" for n in (1, 2, 3)]
    assert store.charge_statuses() == ["DECLINED", "DECLINED", "CAPTURED"]


def test_placing_the_order_before_paying_is_refused():
    store = FakeStore(stock={1: 3})

    async def scenario():
        async with checkout_harness(store) as h:
            await h.begin(ADA, {1: 1})
            with pytest.raises(WorkflowUpdateFailedError) as refused:
                await h.handle(ADA).execute_update(CheckoutWorkflow.submit, SubmitRequest(ADA))
            return update_error(refused)

    refused = run_scenario(scenario)

    assert refused.type == "PaymentRequired"
    assert "submit_order" not in store.calls


def test_placing_the_order_twice_gives_the_same_order():
    store = FakeStore(stock={1: 3})

    async def scenario():
        async with checkout_harness(store, real_time=True) as h:
            # A short task timeout makes the worker report in while the local activity is
            # held, so the cancel reaches the workflow in ~2 s, not the default ~8 s.
            await h.begin(ADA, {1: 1}, task_timeout=timedelta(seconds=2))
            handle = h.handle(ADA)
            await handle.execute_update(CheckoutWorkflow.pay, pay_request(ADA))
            answers = await asyncio.gather(
                handle.execute_update(CheckoutWorkflow.submit, SubmitRequest(ADA)),
                handle.execute_update(CheckoutWorkflow.submit, SubmitRequest(ADA)),
                return_exceptions=True,
            )
            # A repeat that lands after the workflow closed is aborted; the closed
            # workflow still answers the state query with the same order.
            return answers, await handle.query(CheckoutWorkflow.state)

    answers, state = run_scenario(scenario)

    placed = [a for a in answers if not isinstance(a, BaseException)]
    assert placed and all(a.order_id == state.order_id for a in placed)
    assert all(isinstance(a, RPCError) for a in answers if isinstance(a, BaseException))
    assert store.calls.count("submit_order") == 1 and len(store.orders) == 1


def test_an_order_that_cannot_be_written_gives_back_the_money_and_the_stock():
    store = FakeStore(stock={1: 3}, fail_order_write=True)

    async def scenario():
        async with checkout_harness(store) as h:
            await h.begin(ADA, {1: 2})
            await h.handle(ADA).execute_update(CheckoutWorkflow.pay, pay_request(ADA))
            with pytest.raises(WorkflowUpdateFailedError) as failed:
                await h.handle(ADA).execute_update(CheckoutWorkflow.submit, SubmitRequest(ADA))
            return update_error(failed), await h.handle(ADA).result()

    failed, final = run_scenario(scenario)

    assert failed.type == "OrderFailed" and "returned" in failed.message
    assert final.status is CheckoutStatus.FAILED and final.order_id is None
    assert store.calls[-2:] == ["release", "void_payment"]
    assert store.charge_statuses() == ["REFUNDED"] and store.stock == {1: 3}


def test_cancelling_after_paying_voids_the_authorization():
    store = FakeStore(stock={1: 3})

    cancelled = pay_then_cancel(store)

    assert cancelled.status is CheckoutStatus.CANCELLED
    assert store.charge_statuses() == ["VOIDED"] and store.stock == {1: 3}


def test_another_shopper_can_neither_begin_pay_nor_cancel_this_checkout():
    store = FakeStore(stock={1: 3})

    async def scenario():
        async with checkout_harness(store) as h:
            await h.begin(ADA, {1: 1})
            handle = h.handle(ADA)
            refusals = []
            for update, request in [
                (CheckoutWorkflow.pay, pay_request(BOB)),
                (CheckoutWorkflow.submit, SubmitRequest(BOB)),
                (CheckoutWorkflow.cancel, CancelRequest(BOB)),
            ]:
                with pytest.raises(WorkflowUpdateFailedError) as refused:
                    await handle.execute_update(update, request)
                refusals.append(update_error(refused).type)
            return refusals, await handle.query(CheckoutWorkflow.state)

    refusals, state = run_scenario(scenario)

    assert refusals == ["CheckoutNotYours"] * 3
    assert state.status is CheckoutStatus.RESERVED and "authorize" not in store.calls


def test_a_cancel_accepted_while_the_card_is_being_authorized_wins_and_voids_the_money():
    """Pay-and-submit against cancel, the cancel first: accepted while the card is being
    authorized, so the authorization that then arrives is voided and no order is placed."""
    store = FakeStore(stock={1: 3}, authorize_gate=asyncio.Event())

    async def scenario():
        async with checkout_harness(store, real_time=True) as h:
            # A short task timeout makes the worker report in while the local activity is
            # held, so the cancel reaches the workflow in ~2 s, not the default ~8 s.
            await h.begin(ADA, {1: 1}, task_timeout=timedelta(seconds=2))
            handle = h.handle(ADA)
            paying = asyncio.create_task(
                handle.execute_update(CheckoutWorkflow.pay_and_submit, pay_request(ADA))
            )
            await store.authorize_entered.wait()  # the card is with the gateway
            cancelling = await handle.start_update(
                CheckoutWorkflow.cancel,
                CancelRequest(ADA),
                wait_for_stage=WorkflowUpdateStage.ACCEPTED,
            )
            store.authorize_gate.set()  # the gateway answers only once the cancel is in
            paid = await asyncio.gather(paying, return_exceptions=True)
            return paid[0], await cancelling.result(), await handle.result()

    paid, cancelled, final = run_scenario(scenario)

    assert final.status is CheckoutStatus.CANCELLED and cancelled.status is CheckoutStatus.CANCELLED
    assert isinstance(paid, WorkflowUpdateFailedError)  # the order was never placed
    assert store.orders == {}
    assert store.charge_statuses() == ["VOIDED"]  # money: held, then given back
    assert store.stock == {1: 3}  # stock: all back


def test_a_cancel_sent_while_the_order_is_being_placed_loses_and_the_order_stands():
    """Pay-and-submit against cancel, the order first: the cancel arrives while the order
    is being written (SUBMITTING) and is refused; the charge is captured, the stock sold."""
    store = FakeStore(stock={1: 3}, submit_gate=asyncio.Event())

    async def scenario():
        async with checkout_harness(store, real_time=True) as h:
            # A short task timeout makes the worker report in while the local activity is
            # held, so the cancel reaches the workflow in ~2 s, not the default ~8 s.
            await h.begin(ADA, {1: 1}, task_timeout=timedelta(seconds=2))
            handle = h.handle(ADA)
            paying = asyncio.create_task(
                handle.execute_update(CheckoutWorkflow.pay_and_submit, pay_request(ADA))
            )
            await store.submit_entered.wait()  # SUBMITTING: the order is being written
            with pytest.raises(WorkflowUpdateFailedError) as refused:
                await handle.execute_update(CheckoutWorkflow.cancel, CancelRequest(ADA))
            store.submit_gate.set()
            return await paying, update_error(refused), await handle.result()

    paid, refusal, final = run_scenario(scenario)

    assert refusal.type == "AlreadySubmitted"
    assert final.status is CheckoutStatus.SUBMITTED and paid.order_id == final.order_id
    assert list(store.orders.values()) == [final.order_id]
    assert store.charge_statuses() == ["CAPTURED"]  # money: taken once
    assert store.stock == {1: 2}  # stock: the ordered unit stays sold
