"""CheckoutWorkflow with the real activities on real PostgreSQL (time-skipping server):
the same paths as the fake-backed tests, now proving the books balance afterwards."""

from __future__ import annotations

import asyncio
import uuid
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta

import pytest
from temporalio.client import WithStartWorkflowOperation
from temporalio.common import WorkflowIDConflictPolicy
from temporalio.testing import WorkflowEnvironment
from temporalio.worker import Worker

from activities.order_starter import OrderStarter
from domain.checkout import CheckoutStatus
from domain.stock import Line
from payments.sandbox import APPROVED_CARD, DECLINED_CARD
from tests.activities.conftest import USER, shop  # noqa: F401 (fixture)
from tests.activities.test_checkout_activities import vaulted
from tests.workflows.checkout_fakes import (
    ADDRESS,
    PRODUCTION_HOLD_SECONDS,
    register_search_attributes,
)
from tests.workflows.conftest import temporal_test_server_path
from workflows.checkout import CheckoutWorkflow
from workflows.checkout_messages import (
    BeginRequest,
    CheckoutInput,
    PayRequest,
    SubmitRequest,
    checkout_workflow_id,
)

pytestmark = pytest.mark.integration
A, B = 910001, 910002
TASK_QUEUE = "checkout-e2e"


async def with_real_worker(shop, journey):  # noqa: F811
    async with await WorkflowEnvironment.start_time_skipping(
        test_server_existing_path=temporal_test_server_path()
    ) as env:
        await register_search_attributes(env.client)
        with ThreadPoolExecutor(max_workers=4) as executor:
            async with Worker(
                env.client,
                task_queue=TASK_QUEUE,
                workflows=[CheckoutWorkflow],
                activities=[
                    *shop.activities.activities(),
                    *OrderStarter(env.client, TASK_QUEUE).activities(),
                ],
                activity_executor=executor,
            ):
                start = WithStartWorkflowOperation(
                    CheckoutWorkflow.run,
                    CheckoutInput(
                        uuid.uuid4().hex, USER, (Line(A, 1), Line(B, 2)), PRODUCTION_HOLD_SECONDS
                    ),
                    id=checkout_workflow_id(USER),
                    task_queue=TASK_QUEUE,
                    id_conflict_policy=WorkflowIDConflictPolicy.USE_EXISTING,
                )
                begun = await env.client.execute_update_with_start_workflow(
                    CheckoutWorkflow.begin, BeginRequest(USER), start_workflow_operation=start
                )
                handle = env.client.get_workflow_handle_for(
                    CheckoutWorkflow.run, checkout_workflow_id(USER)
                )
                held = (shop.stock(A), shop.stock(B))
                await journey(env, handle)
                return begun, held, await handle.result()


def vaulted_pay_request(shop, number: str = APPROVED_CARD) -> PayRequest:  # noqa: F811
    """As the web tier pays: the card in the real gateway's vault, its token to the workflow."""
    return PayRequest(USER, vaulted(shop, number), ADDRESS)


def test_a_paid_checkout_becomes_a_pending_order_charged_once(shop, assert_invariants):  # noqa: F811
    async def journey(env, handle):
        declined = await handle.execute_update(
            CheckoutWorkflow.pay, vaulted_pay_request(shop, DECLINED_CARD)
        )
        assert not declined.approved
        await handle.execute_update(CheckoutWorkflow.pay, vaulted_pay_request(shop))
        await handle.execute_update(CheckoutWorkflow.submit, SubmitRequest(USER))

    begun, held, final = asyncio.run(with_real_worker(shop, journey))

    assert begun.status is CheckoutStatus.RESERVED and held == (9, 8)
    assert final.status is CheckoutStatus.SUBMITTED
    assert shop.scalar("SELECT status FROM orders WHERE id = :o", o=final.order_id) == "PENDING"
    charges = shop.rows(
        "SELECT status FROM payment_charges WHERE reference = :c ORDER BY created_at",
        c=final.checkout_id,
    )
    assert [row.status for row in charges] == ["DECLINED", "CAPTURED"]
    assert (shop.stock(A), shop.stock(B)) == (9, 8)
    assert_invariants()


def test_an_unpaid_checkout_puts_the_stock_back_when_the_hold_expires(shop, assert_invariants):  # noqa: F811
    async def journey(env, handle):
        await env.sleep(timedelta(seconds=PRODUCTION_HOLD_SECONDS + 1))

    begun, held, final = asyncio.run(with_real_worker(shop, journey))

    assert held == (9, 8) and final.status is CheckoutStatus.EXPIRED
    assert (shop.stock(A), shop.stock(B)) == (10, 10)
    states = shop.rows(
        "SELECT DISTINCT state FROM reservations WHERE checkout_id = :c", c=begun.checkout_id
    )
    assert [row.state for row in states] == ["RELEASED"]
    assert_invariants()
