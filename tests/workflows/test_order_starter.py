"""The activity checkout hands a written order on with: it starts the order's workflow
once, however often Temporal retries it, and never fulfils a finished order again."""

from __future__ import annotations

import uuid

import pytest
from temporalio.client import WorkflowExecutionStatus
from temporalio.worker import Worker

from activities.order_starter import OrderStarter
from tests.workflows.environment import run, unique_task_queue, workflow_server
from tests.workflows.fake_fulfilment import HandedToFulfilment
from workflows.order_messages import (
    CUSTOMER_ID,
    ORDER_ID,
    ORDER_STATUS,
    OrderInput,
    StartOrderRequest,
    order_workflow_id,
)

pytestmark = pytest.mark.workflow
QUEUE = unique_task_queue("order-starter-test")
RUN = uuid.uuid4().hex[:8]  # order ids of this session's own on the shared test server


async def with_starter(scenario):
    async with workflow_server() as env:
        async with Worker(env.client, task_queue=QUEUE, workflows=[HandedToFulfilment]):
            return await scenario(env.client, OrderStarter(env.client, QUEUE))


def test_a_retried_hand_off_finds_the_order_already_being_fulfilled():
    async def scenario(client, starter):
        first = await starter.start_order(StartOrderRequest(f"ord-7-{RUN}", 42))
        again = await starter.start_order(StartOrderRequest(f"ord-7-{RUN}", 42))
        handle = client.get_workflow_handle(order_workflow_id(f"ord-7-{RUN}"))
        handed = await handle.query(HandedToFulfilment.handed)
        return first, again, handed, (await handle.describe()).task_queue

    first, again, handed, queue = run(with_starter(scenario))

    assert (first.started, again.started) == (True, False)
    assert first.workflow_id == again.workflow_id == f"order-ord-7-{RUN}"
    assert handed == OrderInput(f"ord-7-{RUN}", 42)
    assert queue == QUEUE  # on the task queue of the worker that ran the activity


def test_an_order_whose_workflow_has_finished_is_not_fulfilled_a_second_time():
    async def scenario(client, starter):
        await starter.start_order(StartOrderRequest(f"ord-8-{RUN}", 42))
        handle = client.get_workflow_handle(order_workflow_id(f"ord-8-{RUN}"))
        await handle.terminate("an operator ended it")
        late = await starter.start_order(StartOrderRequest(f"ord-8-{RUN}", 42))
        return late, (await handle.describe()).status

    late, status = run(with_starter(scenario))

    assert late.started is False
    assert status == WorkflowExecutionStatus.TERMINATED  # no new run was started


def test_a_handed_on_order_can_be_found_by_its_customer_from_its_first_moment():
    async def scenario(client, starter):
        await starter.start_order(StartOrderRequest(f"ord-9-{RUN}", 42))
        handle = client.get_workflow_handle(order_workflow_id(f"ord-9-{RUN}"))
        return (await handle.describe()).typed_search_attributes

    found = run(with_starter(scenario))

    # Set by the start itself, so the order workflow's first task upserts nothing.
    assert found.get(ORDER_ID) == f"ord-9-{RUN}"
    assert found.get(CUSTOMER_ID) == "42"
    assert found.get(ORDER_STATUS) == "PENDING"
