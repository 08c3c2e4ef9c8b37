"""One recorded history per CheckoutWorkflow path: histories/checkout/<path>.json.

Recorded by `make histories` (tests/workflows/record.py) on the time-skipping server
with the fake checkout activities (checkout_fakes.py), never by a test. test_replay.py
replays every file against today's workflow code; test_replay_coverage.py fails when
a branch of the workflow is reached by none of them, so a new path gets a scenario here.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from datetime import timedelta
from pathlib import Path

from temporalio.client import WorkflowUpdateFailedError

from payments.sandbox import DECLINED_CARD
from tests.workflows.checkout_fakes import (
    PRODUCTION_HOLD_SECONDS,
    CheckoutHarness,
    FakeStore,
    checkout_harness,
    pay_request,
)
from workflows.checkout import CheckoutWorkflow
from workflows.checkout_messages import CancelRequest, SubmitRequest

WORKFLOW = "checkout"
DIRECTORIES = (WORKFLOW,)
USER = 7
Scenario = Callable[[CheckoutHarness], Awaitable[None]]


async def refused(update: Awaitable[object]) -> None:
    """An update the workflow answers with a business error: that answer is the path."""
    try:
        await update
    except WorkflowUpdateFailedError:
        pass


async def paid_then_submitted(h: CheckoutHarness) -> None:
    await h.begin(USER, {1: 2, 2: 1})
    await h.handle(USER).execute_update(CheckoutWorkflow.pay, pay_request(USER))
    await h.handle(USER).execute_update(CheckoutWorkflow.submit, SubmitRequest(USER))


async def submitted_twice(h: CheckoutHarness) -> None:
    await h.begin(USER, {1: 1})
    await h.handle(USER).execute_update(CheckoutWorkflow.pay, pay_request(USER))
    await asyncio.gather(
        h.handle(USER).execute_update(CheckoutWorkflow.submit, SubmitRequest(USER)),
        h.handle(USER).execute_update(CheckoutWorkflow.submit, SubmitRequest(USER)),
    )


async def declined_then_paid_and_submitted(h: CheckoutHarness) -> None:
    await h.begin(USER, {1: 1})
    await h.handle(USER).execute_update(CheckoutWorkflow.pay, pay_request(USER, DECLINED_CARD))
    await h.handle(USER).execute_update(CheckoutWorkflow.pay_and_submit, pay_request(USER))


async def declined_then_expired(h: CheckoutHarness) -> None:
    await h.begin(USER, {1: 1})
    await h.handle(USER).execute_update(
        CheckoutWorkflow.pay_and_submit, pay_request(USER, DECLINED_CARD)
    )
    await h.env.sleep(timedelta(minutes=5, seconds=1))


async def expired(h: CheckoutHarness) -> None:
    await h.begin(USER, {1: 1})
    await h.env.sleep(timedelta(seconds=PRODUCTION_HOLD_SECONDS + 1))


async def expired_but_an_order_exists(h: CheckoutHarness) -> None:
    """A late submit attempt wrote the order after the workflow stopped waiting for it:
    giving back finds it, and the checkout ends SUBMITTED (recovered) with nothing voided."""
    view = await h.begin(USER, {1: 1})
    h.store.orders[view.checkout_id] = "late-order"
    await h.env.sleep(timedelta(minutes=5, seconds=1))


async def cancelled(h: CheckoutHarness) -> None:
    await h.begin(USER, {1: 1})
    await h.handle(USER).execute_update(CheckoutWorkflow.cancel, CancelRequest(USER))


async def cancelled_after_payment(h: CheckoutHarness) -> None:
    await h.begin(USER, {1: 1})
    await h.handle(USER).execute_update(CheckoutWorkflow.pay, pay_request(USER))
    await h.handle(USER).execute_update(CheckoutWorkflow.cancel, CancelRequest(USER))


async def cancelled_while_authorizing(h: CheckoutHarness) -> None:
    """The cancel is taken while the card is being authorized (the one-second workflow
    task heartbeats meanwhile, which lets the update in): the payment settles, then
    pay_and_submit is refused and the authorization is voided."""
    h.store.authorize_gate = asyncio.Event()
    await h.begin(USER, {1: 1}, task_timeout=timedelta(seconds=1))
    paying = asyncio.ensure_future(
        refused(h.handle(USER).execute_update(CheckoutWorkflow.pay_and_submit, pay_request(USER)))
    )
    while "authorize" not in h.store.calls:
        await asyncio.sleep(0.02)
    cancelling = asyncio.ensure_future(
        h.handle(USER).execute_update(CheckoutWorkflow.cancel, CancelRequest(USER))
    )
    await asyncio.sleep(2.5)
    h.store.authorize_gate.set()
    await asyncio.gather(paying, cancelling)


async def out_of_stock(h: CheckoutHarness) -> None:
    await h.begin(USER, {1: 99, 2: 1})


async def rejected_invalid_cart(h: CheckoutHarness) -> None:
    await h.begin(USER, {1: 0})


async def rejected_unknown_item(h: CheckoutHarness) -> None:
    await h.begin(USER, {404: 1})


async def failed_reserve(h: CheckoutHarness) -> None:
    h.store.fail_reserve = True
    await h.begin(USER, {1: 1})


async def double_begin(h: CheckoutHarness) -> None:
    await asyncio.gather(h.begin(USER, {1: 1}), h.begin(USER, {1: 1}))
    await h.handle(USER).execute_update(CheckoutWorkflow.cancel, CancelRequest(USER))


async def order_failed_compensated(h: CheckoutHarness) -> None:
    h.store.fail_order_write = True
    await h.begin(USER, {1: 1})
    await h.handle(USER).execute_update(CheckoutWorkflow.pay, pay_request(USER))
    await refused(h.handle(USER).execute_update(CheckoutWorkflow.submit, SubmitRequest(USER)))


async def order_failed_yet_written(h: CheckoutHarness) -> None:
    """The order write answered with an error although it committed: giving the stock
    back finds the order, so the checkout is SUBMITTED (a recovered order)."""
    h.store.fail_order_write_after_commit = True
    await h.begin(USER, {1: 1})
    await h.handle(USER).execute_update(CheckoutWorkflow.pay, pay_request(USER))
    await h.handle(USER).execute_update(CheckoutWorkflow.submit, SubmitRequest(USER))


async def lost_payment_answer_voided(h: CheckoutHarness) -> None:
    h.store.lose_authorize_answers = True
    await h.begin(USER, {1: 1})
    await h.handle(USER).execute_update(CheckoutWorkflow.pay, pay_request(USER))
    await h.handle(USER).execute_update(CheckoutWorkflow.cancel, CancelRequest(USER))


SCENARIOS: dict[str, Scenario] = {
    "paid_then_submitted": paid_then_submitted,
    "submitted_twice": submitted_twice,
    "declined_then_paid_and_submitted": declined_then_paid_and_submitted,
    "declined_then_expired": declined_then_expired,
    "expired": expired,
    "expired_but_an_order_exists": expired_but_an_order_exists,
    "cancelled": cancelled,
    "cancelled_after_payment": cancelled_after_payment,
    "cancelled_while_authorizing": cancelled_while_authorizing,
    "out_of_stock": out_of_stock,
    "rejected_invalid_cart": rejected_invalid_cart,
    "rejected_unknown_item": rejected_unknown_item,
    "failed_reserve": failed_reserve,
    "double_begin": double_begin,
    "order_failed_compensated": order_failed_compensated,
    "order_failed_yet_written": order_failed_yet_written,
    "lost_payment_answer_voided": lost_payment_answer_voided,
}


async def record(name: str, directory: Path) -> list[Path]:
    async with checkout_harness(FakeStore(stock={1: 5, 2: 5})) as h:
        await SCENARIOS[name](h)
        handle = h.handle(USER)
        await handle.result()
        path = directory / WORKFLOW / f"{name}.json"
        path.write_text((await handle.fetch_history()).to_json())
        return [path]
