"""Record one history per CheckoutWorkflow path into tests/workflows/histories/checkout_*.json.

    .venv/bin/python -m tests.workflows.checkout_histories

It records the paths that have no file yet (`--all` re-records everything). Before 1.0
(docs/architecture.md, "Changing a workflow") a change to the workflow re-records
every history with `--all` and commits the JSON; from 1.0 on a committed history
stands for checkouts already running on older code, a change goes behind
`workflow.patched` and gets a new scenario of its own. test_checkout_replay.py replays
every file, so a change that breaks running checkouts fails the suite instead of
production.
"""

from __future__ import annotations

import asyncio
import sys
from collections.abc import Awaitable, Callable
from datetime import timedelta
from pathlib import Path

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

HISTORIES = Path(__file__).parent / "histories"
USER = 7
Scenario = Callable[[CheckoutHarness], Awaitable[None]]


async def paid_then_submitted(h: CheckoutHarness) -> None:
    await h.begin(USER, {1: 2, 2: 1})
    await h.handle(USER).execute_update(CheckoutWorkflow.pay, pay_request(USER))
    await h.handle(USER).execute_update(CheckoutWorkflow.submit, SubmitRequest(USER))


async def declined_then_paid_and_submitted(h: CheckoutHarness) -> None:
    await h.begin(USER, {1: 1})
    await h.handle(USER).execute_update(CheckoutWorkflow.pay, pay_request(USER, DECLINED_CARD))
    await h.handle(USER).execute_update(CheckoutWorkflow.pay_and_submit, pay_request(USER))


async def expired(h: CheckoutHarness) -> None:
    await h.begin(USER, {1: 1})
    await h.env.sleep(timedelta(seconds=PRODUCTION_HOLD_SECONDS + 1))


async def cancelled(h: CheckoutHarness) -> None:
    await h.begin(USER, {1: 1})
    await h.handle(USER).execute_update(CheckoutWorkflow.cancel, CancelRequest(USER))


async def cancelled_after_payment(h: CheckoutHarness) -> None:
    await h.begin(USER, {1: 1})
    await h.handle(USER).execute_update(CheckoutWorkflow.pay, pay_request(USER))
    await h.handle(USER).execute_update(CheckoutWorkflow.cancel, CancelRequest(USER))


async def out_of_stock(h: CheckoutHarness) -> None:
    await h.begin(USER, {1: 99, 2: 1})


async def double_begin(h: CheckoutHarness) -> None:
    await asyncio.gather(h.begin(USER, {1: 1}), h.begin(USER, {1: 1}))
    await h.handle(USER).execute_update(CheckoutWorkflow.cancel, CancelRequest(USER))


async def order_failed_compensated(h: CheckoutHarness) -> None:
    h.store.fail_order_write = True
    await h.begin(USER, {1: 1})
    await h.handle(USER).execute_update(CheckoutWorkflow.pay, pay_request(USER))
    try:
        await h.handle(USER).execute_update(CheckoutWorkflow.submit, SubmitRequest(USER))
    except Exception:  # the OrderFailed answer is the point of this path
        pass


async def lost_payment_answer_voided(h: CheckoutHarness) -> None:
    h.store.lose_authorize_answers = True
    await h.begin(USER, {1: 1})
    await h.handle(USER).execute_update(CheckoutWorkflow.pay, pay_request(USER))
    await h.handle(USER).execute_update(CheckoutWorkflow.cancel, CancelRequest(USER))


SCENARIOS: dict[str, Scenario] = {
    "checkout_paid_then_submitted": paid_then_submitted,
    "checkout_declined_then_paid_and_submitted": declined_then_paid_and_submitted,
    "checkout_expired": expired,
    "checkout_cancelled": cancelled,
    "checkout_cancelled_after_payment": cancelled_after_payment,
    "checkout_out_of_stock": out_of_stock,
    "checkout_double_begin": double_begin,
    "checkout_order_failed_compensated": order_failed_compensated,
    "checkout_lost_payment_answer_voided": lost_payment_answer_voided,
}


async def record(name: str, scenario: Scenario, directory: Path = HISTORIES) -> Path:
    async with checkout_harness(FakeStore(stock={1: 5, 2: 5})) as h:
        await scenario(h)
        handle = h.handle(USER)
        await handle.result()
        path = directory / f"{name}.json"
        path.write_text((await handle.fetch_history()).to_json())
        return path


async def record_all(directory: Path = HISTORIES, *, overwrite: bool = False) -> list[Path]:
    return [
        await record(name, scenario, directory)
        for name, scenario in SCENARIOS.items()
        if overwrite or not (directory / f"{name}.json").exists()
    ]


if __name__ == "__main__":
    for written in asyncio.run(record_all(overwrite="--all" in sys.argv)):
        print(f"recorded {written}")
