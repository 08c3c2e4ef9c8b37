"""CheckoutWorkflow on the time-skipping server, with fake activities (tests/workflows/checkout_fakes.py)."""

from __future__ import annotations

import asyncio
from datetime import timedelta

import pytest
from temporalio.client import WorkflowUpdateFailedError
from temporalio.exceptions import ApplicationError
from temporalio.service import RPCError

from domain.checkout import CheckoutStatus, from_iso
from domain.stock import ShortLine
from payments.sandbox import DECLINED_CARD, INSUFFICIENT_FUNDS_CARD
from tests.workflows.checkout_fakes import FakeStore, checkout_harness, pay_request
from tests.workflows.environment import run as run_in_session
from tests.workflows.fake_fulfilment import HandedToFulfilment
from workflows.checkout import CheckoutWorkflow
from workflows.checkout_messages import CancelRequest, SubmitRequest
from workflows.order_messages import OrderInput, order_workflow_id

pytestmark = pytest.mark.workflow

ADA, BOB = 101, 202


def run(scenario):
    return run_in_session(scenario())


def update_error(failure: pytest.ExceptionInfo) -> ApplicationError:
    cause = failure.value.cause
    assert isinstance(cause, ApplicationError), cause
    return cause


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

    begun, paid, placed, final, attributes, handed = run(scenario)

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


def test_an_unpaid_hold_gives_the_stock_back_after_five_minutes():
    store = FakeStore(stock={1: 3})

    async def scenario():
        async with checkout_harness(store) as h:
            begun = await h.begin(ADA, {1: 2})
            await h.env.sleep(timedelta(minutes=4, seconds=50))
            still_held = dict(store.stock)
            await h.env.sleep(timedelta(seconds=15))
            return begun, still_held, await h.handle(ADA).result()

    begun, still_held, final = run(scenario)

    assert begun.status is CheckoutStatus.RESERVED
    assert still_held == {1: 1}
    assert final.status is CheckoutStatus.EXPIRED and final.order_id is None
    assert store.stock == {1: 3} and store.calls == ["reserve", "release"]


def test_the_hold_lasts_five_minutes_from_begin():
    store = FakeStore(stock={1: 3})

    async def scenario():
        async with checkout_harness(store) as h:
            before = await h.env.get_current_time()
            begun = await h.begin(ADA, {1: 1})
            return before, begun

    before, begun = run(scenario)

    held_for = from_iso(begun.expires_at) - before
    assert timedelta(minutes=5) <= held_for < timedelta(minutes=5, seconds=5)


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

    declined, broke, state, paid, final = run(scenario)

    assert not declined.approved and declined.decline_code == "card_declined"
    assert "declined" in declined.message and declined.status is CheckoutStatus.RESERVED
    assert broke.decline_code == "insufficient_funds"
    assert state.status is CheckoutStatus.RESERVED and state.payment_error == broke.message
    assert paid.approved and paid.order_id == final.order_id
    assert final.status is CheckoutStatus.SUBMITTED and final.payment_error is None
    # Every try had its own idempotency key, so the decline did not stick to the last one.
    assert sorted(store.charges) == [f"{final.checkout_id}:pay:{n}" for n in (1, 2, 3)]
    assert store.charge_statuses() == ["DECLINED", "DECLINED", "CAPTURED"]


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

    held, cancelled, final = run(scenario)

    assert held == {1: 0}
    assert cancelled.status is CheckoutStatus.CANCELLED and final.status is CheckoutStatus.CANCELLED
    assert store.stock == {1: 3}


def test_cancelling_after_paying_voids_the_authorization():
    store = FakeStore(stock={1: 3})

    async def scenario():
        async with checkout_harness(store) as h:
            await h.begin(ADA, {1: 1})
            await h.handle(ADA).execute_update(CheckoutWorkflow.pay, pay_request(ADA))
            return await h.handle(ADA).execute_update(CheckoutWorkflow.cancel, CancelRequest(ADA))

    cancelled = run(scenario)

    assert cancelled.status is CheckoutStatus.CANCELLED
    assert store.charge_statuses() == ["VOIDED"] and store.stock == {1: 3}


def test_a_payment_after_the_deadline_is_refused_and_never_charged():
    store = FakeStore(stock={1: 3}, release_gate=asyncio.Event())

    async def scenario():
        async with checkout_harness(store) as h:
            # A short task timeout makes the worker report in while the release is stuck,
            # so the late payment reaches the workflow's validator, not a closed workflow.
            await h.begin(ADA, {1: 1}, task_timeout=timedelta(seconds=2))
            await h.env.sleep(timedelta(minutes=5, seconds=1))
            with pytest.raises(WorkflowUpdateFailedError) as refused:
                await h.handle(ADA).execute_update(CheckoutWorkflow.pay, pay_request(ADA))
            store.release_gate.set()
            final = await h.handle(ADA).result()
            with pytest.raises((WorkflowUpdateFailedError, RPCError)):
                await h.handle(ADA).execute_update(CheckoutWorkflow.pay, pay_request(ADA))
            return update_error(refused), final

    refused, final = run(scenario)

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


def test_a_double_click_on_begin_holds_the_stock_once():
    store = FakeStore(stock={1: 5})

    async def scenario():
        async with checkout_harness(store) as h:
            first, second = await asyncio.gather(h.begin(ADA, {1: 2}), h.begin(ADA, {1: 2}))
            third = await h.begin(ADA, {1: 2})
            return first, second, third

    first, second, third = run(scenario)

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

    refused, final, again = run(scenario)

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

    refused = run(scenario)

    assert refused.status is CheckoutStatus.REJECTED and "quantity" in refused.message
    assert store.calls == []


def test_a_reserve_retried_after_a_lost_connection_holds_the_stock_once():
    store = FakeStore(stock={1: 5}, fail_first_reserve_after_commit=True)

    async def scenario():
        async with checkout_harness(store) as h:
            return await h.begin(ADA, {1: 2})

    begun = run(scenario)

    assert begun.status is CheckoutStatus.RESERVED
    assert store.calls == ["reserve", "reserve"] and store.stock == {1: 3}


def test_an_order_that_cannot_be_written_gives_back_the_money_and_the_stock():
    store = FakeStore(stock={1: 3}, fail_order_write=True)

    async def scenario():
        async with checkout_harness(store) as h:
            await h.begin(ADA, {1: 2})
            await h.handle(ADA).execute_update(CheckoutWorkflow.pay, pay_request(ADA))
            with pytest.raises(WorkflowUpdateFailedError) as failed:
                await h.handle(ADA).execute_update(CheckoutWorkflow.submit, SubmitRequest(ADA))
            return update_error(failed), await h.handle(ADA).result()

    failed, final = run(scenario)

    assert failed.type == "OrderFailed" and "returned" in failed.message
    assert final.status is CheckoutStatus.FAILED and final.order_id is None
    assert store.calls[-2:] == ["release", "void_payment"]
    assert store.charge_statuses() == ["REFUNDED"] and store.stock == {1: 3}


def test_placing_the_order_twice_gives_the_same_order():
    store = FakeStore(stock={1: 3})

    async def scenario():
        async with checkout_harness(store, real_time=True) as h:
            await h.begin(ADA, {1: 1})
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

    answers, state = run(scenario)

    placed = [a for a in answers if not isinstance(a, BaseException)]
    assert placed and all(a.order_id == state.order_id for a in placed)
    assert all(isinstance(a, RPCError) for a in answers if isinstance(a, BaseException))
    assert store.calls.count("submit_order") == 1 and len(store.orders) == 1


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

    refusals, state = run(scenario)

    assert refusals == ["NotYourCheckout"] * 3
    assert state.status is CheckoutStatus.RESERVED and "authorize" not in store.calls


def test_placing_the_order_before_paying_is_refused():
    store = FakeStore(stock={1: 3})

    async def scenario():
        async with checkout_harness(store) as h:
            await h.begin(ADA, {1: 1})
            with pytest.raises(WorkflowUpdateFailedError) as refused:
                await h.handle(ADA).execute_update(CheckoutWorkflow.submit, SubmitRequest(ADA))
            return update_error(refused)

    refused = run(scenario)

    assert refused.type == "PaymentRequired"
    assert "submit_order" not in store.calls


def test_a_cancel_racing_pay_and_submit_lets_exactly_one_win_with_money_matching_stock():
    store = FakeStore(stock={1: 3}, authorize_gate=asyncio.Event())

    async def scenario():
        async with checkout_harness(store, real_time=True) as h:
            await h.begin(ADA, {1: 1})
            handle = h.handle(ADA)
            paying = asyncio.create_task(
                handle.execute_update(CheckoutWorkflow.pay_and_submit, pay_request(ADA))
            )
            while "authorize" not in store.calls:
                await asyncio.sleep(0.05)
            cancelling = asyncio.create_task(
                handle.execute_update(CheckoutWorkflow.cancel, CancelRequest(ADA))
            )
            await asyncio.sleep(0.5)
            store.authorize_gate.set()
            outcomes = await asyncio.gather(paying, cancelling, return_exceptions=True)
            return outcomes, await handle.result()

    (paid, cancelled), final = run(scenario)

    if final.status is CheckoutStatus.SUBMITTED:  # the order won: the cancel is refused
        assert paid.order_id == final.order_id
        # Refused by the validator, or aborted because the workflow closed first.
        assert isinstance(cancelled, WorkflowUpdateFailedError | RPCError), cancelled
        assert store.charge_statuses() == ["CAPTURED"] and store.stock == {1: 2}
    else:  # the cancel won: the card is voided, nothing was ordered
        assert (
            final.status is CheckoutStatus.CANCELLED
            and cancelled.status is CheckoutStatus.CANCELLED
        )
        assert isinstance(paid, WorkflowUpdateFailedError) and store.orders == {}
        assert store.charge_statuses() == ["VOIDED"] and store.stock == {1: 3}
