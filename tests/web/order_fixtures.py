"""Fixtures for the order tests that need fulfilment to really happen: an OrderWorkflow
per order, warehouses that split an order, parcels that ship and arrive.

Load with `pytest_plugins = ["tests.web.checkout_fixtures", "tests.web.order_fixtures"]`
and use the helpers through the `fulfilment` fixture: a test module that imported this
plugin itself would stop pytest from rewriting its asserts.

Checkout SUBMIT hands the order to its OrderWorkflow (workflows/order_handoff.py) before
it answers; these fixtures never start that workflow themselves, they only find it, so
every order test here fails if the checkout -> fulfilment hand-off breaks. Every order
workflow a test placed is terminated at teardown: a parcel left ASSIGNED stays
consistent (invariant I2 counts it), nothing is half-done.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator

import pytest
from sqlalchemy import text

from settings import Settings
from tests.stock_world import terminate_workflows
from tests.waiting import wait_until
from tests.web.checkout_calls import ApiShopper, place_order
from workflows.task_queues import Service, task_queue

# A second warehouse near the test address (Seattle), so an order of one item held only
# here and one held only in Seattle splits into two parcels. The id is far from the
# ones other fixtures use; a clash on id or name is tolerated (DO NOTHING, then by name).
PORTLAND = {
    "id": 501,
    "name": "Portland",
    "region": "Portland, OR, US",
    "latitude": 45.52,
    "longitude": -122.68,
}
SEATTLE = 1  # tests/web/checkout_fixtures.py's one warehouse


@pytest.fixture(scope="session")
def portland(checkout_engine) -> int:
    """The id of the second warehouse (created once per session)."""
    with checkout_engine.begin() as conn:
        conn.execute(
            text(
                "INSERT INTO warehouses (id, name, region, latitude, longitude, active) "
                "VALUES (:id, :name, :region, :latitude, :longitude, true) "
                "ON CONFLICT DO NOTHING"
            ),
            PORTLAND,
        )
        return conn.execute(
            text("SELECT id FROM warehouses WHERE name = :name"), PORTLAND
        ).scalar_one()


@pytest.fixture
def item_in(checkout_engine, stock_item) -> Callable[..., int]:
    """Factory: `item_in(warehouse_id, stock, price=..., name=...)`: a new item whose
    whole stock sits in that one warehouse (aggregated stock == its available stock, I1)."""

    def create(warehouse_id: int, stock: int, price: int = 2_500, name: str | None = None) -> int:
        item_id = stock_item(stock, price=price, name=name)
        if warehouse_id != SEATTLE:
            with checkout_engine.begin() as conn:
                conn.execute(
                    text(
                        "UPDATE warehouse_stock SET warehouse_id = :w "
                        "WHERE item_id = :i AND warehouse_id = :seattle"
                    ),
                    {"w": warehouse_id, "i": item_id, "seattle": SEATTLE},
                )
        return item_id

    return create


class Fulfilment:
    """Starts and drives the order workflows of one test on the checkout worker."""

    def __init__(self, worker, settings: Settings) -> None:
        self._worker = worker
        self._settings = settings
        self._started: list[str] = []

    def handed_off(self, order_id: str) -> str:
        """The id of the OrderWorkflow checkout SUBMIT started for `order_id`; fails the
        test if there is none (the hand-off is what is under test, never done here)."""
        from temporalio.client import WorkflowExecutionStatus
        from temporalio.service import RPCError, RPCStatusCode

        from workflows.order_messages import order_workflow_id

        workflow_id = order_workflow_id(order_id)
        self._started.append(workflow_id)

        async def describe():
            try:
                return await self._worker.client.get_workflow_handle(workflow_id).describe()
            except RPCError as error:
                if error.status is RPCStatusCode.NOT_FOUND:
                    return None
                raise

        # SUBMIT answers once the start is written; the short wait only absorbs the
        # server's read-after-write lag, it never starts anything.
        described = wait_until(
            lambda: self._worker.run(describe()),
            seconds=10.0,
            what=f"checkout SUBMIT to start {workflow_id} (the hand-off to fulfilment)",
        )
        assert described.status is WorkflowExecutionStatus.RUNNING, described.status
        assert described.task_queue == task_queue(self._settings.task_queue, Service.FULFILMENT)
        return workflow_id

    def place(self, client, shopper: ApiShopper) -> str:
        """Place the shopper's cart as an order through the API; its fulfilment is the
        OrderWorkflow checkout SUBMIT started."""
        order_id = place_order(client, shopper)["orderID"]
        self.handed_off(order_id)
        return order_id

    def ship(self, suborder_id: str) -> str:
        """What the warehouse portal does: ship the parcel, answered once written."""
        return self._suborder_update(suborder_id, "confirm_shipped")

    def deliver(self, suborder_id: str) -> str:
        return self._suborder_update(suborder_id, "confirm_delivered")

    def start_shipping(self, suborder_id: str) -> Callable[[], str]:
        """Send the portal's ship and return once the parcel's workflow has accepted it
        (from then on it is shipping); call the result for the update's answer."""
        from temporalio.client import WorkflowUpdateStage

        from workflows.order_messages import suborder_workflow_id

        handle = self._worker.client.get_workflow_handle(suborder_workflow_id(suborder_id))
        update = self._worker.run(
            handle.start_update(
                "confirm_shipped", wait_for_stage=WorkflowUpdateStage.ACCEPTED, result_type=str
            )
        )
        return lambda: self._worker.run(update.result())

    def received_cancel(self, suborder_id: str) -> bool:
        """Whether the parcel's workflow has been sent the order's cancel (its history
        holds the signal): from then on that parcel is cancelling."""
        from temporalio.api.enums.v1 import EventType

        from workflows.order_messages import suborder_workflow_id

        handle = self._worker.client.get_workflow_handle(suborder_workflow_id(suborder_id))

        async def signalled() -> bool:
            async for event in handle.fetch_history_events():
                if (
                    event.event_type == EventType.EVENT_TYPE_WORKFLOW_EXECUTION_SIGNALED
                    and event.workflow_execution_signaled_event_attributes.signal_name == "cancel"
                ):
                    return True
            return False

        return self._worker.run(signalled())

    def _suborder_update(self, suborder_id: str, update: str) -> str:
        from workflows.order_messages import suborder_workflow_id

        handle = self._worker.client.get_workflow_handle(suborder_workflow_id(suborder_id))
        return self._worker.run(handle.execute_update(update, result_type=str))

    # --- reading the order back through the API ------------------------------------------

    wait_until = staticmethod(wait_until)

    @staticmethod
    def detail(client, shopper: ApiShopper, order_id: str) -> dict:
        answer = client.get(f"/api/v1/orders/{order_id}", headers=shopper.headers)
        assert answer.status_code == 200, answer.get_json()
        return answer.get_json()

    def wait_for_parcels(
        self, client, shopper: ApiShopper, order_id: str, count: int, status: str = "ASSIGNED"
    ) -> dict:
        """The order's detail once it has `count` suborders, every one in `status`."""

        def ready() -> dict | None:
            detail = self.detail(client, shopper, order_id)
            statuses = [suborder["status"] for suborder in detail["suborders"]]
            return detail if statuses == [status] * count else None

        return wait_until(ready, what=f"{count} suborder(s) {status} for order {order_id}")

    def end(self) -> None:
        terminate_workflows(self._worker, self._started)


@pytest.fixture
def fulfilment(checkout_worker, checkout_settings: Settings) -> Iterator[Fulfilment]:
    running = Fulfilment(checkout_worker, checkout_settings)
    yield running
    running.end()
