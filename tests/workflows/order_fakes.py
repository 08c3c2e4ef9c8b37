"""Fakes for OrderWorkflow tests: the fulfilment activities over an in-memory store.

Same activity names, message types and business behaviour as activities/fulfilment.py
(conditional decrements, idempotent by suborder id, cancel/ship arbitrated by the
suborder's status), no database. `order_harness` runs the real workflows on the
time-skipping server.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from datetime import timedelta

from temporalio import activity
from temporalio.client import Client, WorkflowHandle
from temporalio.common import TypedSearchAttributes
from temporalio.exceptions import ApplicationError
from temporalio.testing import WorkflowEnvironment
from temporalio.worker import Worker

from domain.allocation import Unallocatable, WarehouseSite, allocate
from domain.order import has_shipped, unshipped_lines
from domain.stock import Line
from tests.workflows.environment import end_workflows, unique_task_queue, workflow_server
from workflows.mail_messages import SEND_EMAIL, EmailRequest, EmailResult
from workflows.order import OrderWorkflow
from workflows.order_messages import (
    ALREADY_SHIPPED,
    ASSIGN,
    CANCEL_ORDER,
    CANCEL_SUBORDER,
    CANCEL_UNSHIPPED,
    MARK_DELIVERED,
    MARK_SHIPPED,
    NOTHING_SHIPPED,
    NOTHING_UNSHIPPED,
    NOTIFY_WAREHOUSE,
    PLAN,
    REFUND_ORDER,
    REFUND_UNSHIPPED,
    SET_ORDER_STATUS,
    SUBORDER_CANCELLED,
    UNALLOCATABLE,
    WAREHOUSE_SHORT,
    AssignRequest,
    AssignResult,
    CancelOrderRequest,
    CancelOrderResult,
    CancelUnshippedRequest,
    CancelUnshippedResult,
    NotifyRequest,
    NotifyResult,
    OrderInput,
    OrderProgress,
    PlannedSuborder,
    PlanRequest,
    PlanResult,
    RefundOrderRequest,
    RefundOrderResult,
    RefundUnshippedRequest,
    SetOrderStatusRequest,
    SetOrderStatusResult,
    SuborderRequest,
    SuborderResult,
    order_workflow_id,
    suborder_workflow_id,
)
from workflows.suborder import SuborderWorkflow

TASK_QUEUE = "order-test"
ORDER = "ord-1"
USER = 101


@dataclass
class FakeWarehouses:
    """Warehouse stock, suborders and the order's status, plus a switch to lose a race."""

    available: dict[int, dict[int, int]]  # warehouse -> item -> available units
    order_lines: dict[int, int]  # item -> quantity
    aggregated: dict[int, int] = field(default_factory=dict)
    physical: dict[int, dict[int, int]] = field(default_factory=dict)
    suborders: dict[str, dict] = field(default_factory=dict)  # id -> {warehouse, lines, status}
    notified: list[tuple[int, str]] = field(default_factory=list)
    statuses: list[str] = field(default_factory=list)  # set_order_status calls
    order_status: str = "PENDING"
    calls: list[str] = field(default_factory=list)
    refunds: dict[str, int] = field(default_factory=dict)  # refund key -> cents
    cancel_reasons: list[str] = field(default_factory=list)  # cancel_order's, in call order
    total: int = 4_200  # the order's captured amount
    unit_price: int = 700  # every line's unit price (a partial cancel's refund)
    cancelled_lines: dict[int, int] = field(default_factory=dict)  # taken off by a partial cancel
    # warehouse -> item -> units another order takes just before this warehouse assigns
    steal_before_assign: dict[int, dict[int, int]] = field(default_factory=dict)
    # suborders the portal ships just before the order's cancel reaches them
    shipped_under_cancel: set[str] = field(default_factory=set)
    # suborders cancelled (in the database) just before the portal's ship reaches them
    cancelled_under_ship: set[str] = field(default_factory=set)
    # cancel_order finds something shipped although every suborder said cancelled (once)
    refuse_cancel_order: bool = False
    plan_gate: asyncio.Event | None = None  # the plan waits for it (a slow database)
    assign_gate: asyncio.Event | None = None  # likewise the assign
    # Emails sent, by event key (the fake mail activity: each key once, like sent_emails).
    emails: dict[str, EmailRequest] = field(default_factory=dict)
    email_attempts: int = 0

    def __post_init__(self) -> None:
        if not self.physical:
            self.physical = {w: dict(items) for w, items in self.available.items()}

    def activities(self) -> list[Callable]:
        @activity.defn(name=PLAN)
        async def plan(request: PlanRequest) -> PlanResult:
            self.calls.append("plan")
            if self.plan_gate is not None:
                await self.plan_gate.wait()
            order_lines = tuple(Line(i, q) for i, q in sorted(self.order_lines.items()))
            sites = [WarehouseSite(w, None, None) for w in sorted(self.available)]
            try:
                planned = allocate(request.lines or order_lines, None, self.available, sites)
            except Unallocatable as error:
                raise ApplicationError(
                    str(error), *error.as_details(), type=UNALLOCATABLE, non_retryable=True
                ) from error
            return PlanResult(
                order_lines,
                tuple(
                    PlannedSuborder(s.warehouse_id, tuple(Line(i, q) for i, q in s.lines))
                    for s in planned
                ),
            )

        @activity.defn(name=ASSIGN)
        async def assign(request: AssignRequest) -> AssignResult:
            self.calls.append(f"assign {request.suborder_id}@{request.warehouse_id}")
            if self.assign_gate is not None:
                await self.assign_gate.wait()
            if request.suborder_id in self.suborders:
                return AssignResult(
                    request.suborder_id, self.suborders[request.suborder_id]["status"], False
                )
            stock = self.available[request.warehouse_id]
            for item, units in self.steal_before_assign.pop(request.warehouse_id, {}).items():
                stock[item] -= units
            short = [
                {"itemID": line.item_id, "asked": line.quantity, "left": stock.get(line.item_id, 0)}
                for line in request.lines
                if stock.get(line.item_id, 0) < line.quantity
            ]
            if short:
                raise ApplicationError("short", *short, type=WAREHOUSE_SHORT, non_retryable=True)
            for line in request.lines:
                stock[line.item_id] -= line.quantity
            self.suborders[request.suborder_id] = {
                "warehouse": request.warehouse_id,
                "lines": {line.item_id: line.quantity for line in request.lines},
                "status": "ASSIGNED",
            }
            return AssignResult(request.suborder_id, "ASSIGNED", True)

        @activity.defn(name=NOTIFY_WAREHOUSE)
        async def notify_warehouse(request: NotifyRequest) -> NotifyResult:
            entry = (request.warehouse_id, request.suborder_id)
            if entry in self.notified:
                return NotifyResult(f"warehouse:{request.warehouse_id}:suborders", None)
            self.notified.append(entry)
            return NotifyResult(f"warehouse:{request.warehouse_id}:suborders", "1-0")

        def move(suborder_id: str, source: str, target: str) -> dict | str:
            row = self.suborders[suborder_id]
            if row["status"] != source:
                return row["status"]
            row["status"] = target
            return row

        @activity.defn(name=MARK_SHIPPED)
        async def mark_shipped(request: SuborderRequest) -> SuborderResult:
            if request.suborder_id in self.cancelled_under_ship:
                self.cancelled_under_ship.discard(request.suborder_id)
                await cancel_suborder(request)
            row = move(request.suborder_id, "ASSIGNED", "SHIPPED")
            if row == "CANCELLED":
                raise ApplicationError("cancelled", type=SUBORDER_CANCELLED, non_retryable=True)
            if isinstance(row, str):
                return SuborderResult(request.suborder_id, row, False)
            for item, quantity in row["lines"].items():
                self.physical[row["warehouse"]][item] -= quantity
            return SuborderResult(request.suborder_id, "SHIPPED", True)

        @activity.defn(name=MARK_DELIVERED)
        async def mark_delivered(request: SuborderRequest) -> SuborderResult:
            row = move(request.suborder_id, "SHIPPED", "DELIVERED")
            status = row if isinstance(row, str) else "DELIVERED"
            return SuborderResult(request.suborder_id, status, not isinstance(row, str))

        @activity.defn(name=CANCEL_SUBORDER)
        async def cancel_suborder(request: SuborderRequest) -> SuborderResult:
            self.calls.append(f"cancel {request.suborder_id}")
            if request.suborder_id in self.shipped_under_cancel:
                self.shipped_under_cancel.discard(request.suborder_id)
                await mark_shipped(request)
            row = move(request.suborder_id, "ASSIGNED", "CANCELLED")
            if row == "CANCELLED":
                return SuborderResult(request.suborder_id, "CANCELLED", False)
            if isinstance(row, str):
                raise ApplicationError("shipped", type=ALREADY_SHIPPED, non_retryable=True)
            for item, quantity in row["lines"].items():
                self.available[row["warehouse"]][item] += quantity
            return SuborderResult(request.suborder_id, "CANCELLED", True)

        @activity.defn(name=CANCEL_ORDER)
        async def cancel_order(request: CancelOrderRequest) -> CancelOrderResult:
            self.calls.append("cancel_order")
            self.cancel_reasons.append(request.reason)
            if self.order_status == "CANCELLED":
                return CancelOrderResult(())
            if self.refuse_cancel_order:
                self.refuse_cancel_order = False
                raise ApplicationError("shipped", type=ALREADY_SHIPPED, non_retryable=True)
            if any(row["status"] != "CANCELLED" for row in self.suborders.values()):
                raise ApplicationError("shipped", type=ALREADY_SHIPPED, non_retryable=True)
            for item, quantity in self.order_lines.items():
                self.aggregated[item] = self.aggregated.get(item, 0) + quantity
            self.order_status = "CANCELLED"
            return CancelOrderResult(tuple(Line(i, q) for i, q in sorted(self.order_lines.items())))

        @activity.defn(name=CANCEL_UNSHIPPED)
        async def cancel_unshipped(request: CancelUnshippedRequest) -> CancelUnshippedResult:
            self.calls.append("cancel_unshipped")
            if self.cancelled_lines:
                taken = tuple(Line(i, q) for i, q in sorted(self.cancelled_lines.items()))
                return CancelUnshippedResult(taken, False)
            if any(row["status"] == "ASSIGNED" for row in self.suborders.values()):
                raise ApplicationError("active", type="SuborderActive", non_retryable=True)
            parcels = [
                (row["status"], [Line(i, q) for i, q in row["lines"].items()])
                for row in self.suborders.values()
            ]
            ordered = [Line(i, q) for i, q in sorted(self.order_lines.items())]
            taken = unshipped_lines(self.order_status, ordered, parcels)
            if not taken:
                shipped = has_shipped(self.order_status, (status for status, _ in parcels))
                kind = NOTHING_UNSHIPPED if shipped else NOTHING_SHIPPED
                raise ApplicationError("nothing", type=kind, non_retryable=True)
            for line in taken:
                self.cancelled_lines[line.item_id] = line.quantity
                self.aggregated[line.item_id] = self.aggregated.get(line.item_id, 0) + line.quantity
            self.order_status = "PARTLY_CANCELLED"
            return CancelUnshippedResult(taken, True)

        @activity.defn(name=REFUND_UNSHIPPED)
        async def refund_unshipped(request: RefundUnshippedRequest) -> RefundOrderResult:
            self.calls.append("refund_unshipped")
            if not self.cancelled_lines:
                raise ApplicationError("not cancelled", type="NotCancelled", non_retryable=True)
            amount = self.unit_price * sum(self.cancelled_lines.values())
            self.refunds[f"refund-{request.order_id}-unshipped"] = amount
            return RefundOrderResult("re_2", amount)

        @activity.defn(name=SET_ORDER_STATUS)
        async def set_order_status(request: SetOrderStatusRequest) -> SetOrderStatusResult:
            if self.order_status in (request.status, "CANCELLED"):  # as the SQL's WHERE
                return SetOrderStatusResult(False)
            self.order_status = request.status
            self.statuses.append(request.status)
            return SetOrderStatusResult(True)

        @activity.defn(name=REFUND_ORDER)
        async def refund_order(request: RefundOrderRequest) -> RefundOrderResult:
            self.calls.append("refund_order")
            if self.order_status != "CANCELLED":
                raise ApplicationError("not cancelled", type="NotCancelled", non_retryable=True)
            self.refunds[f"refund-{request.order_id}"] = self.total  # same key: same refund
            return RefundOrderResult("re_1", self.total)

        @activity.defn(name=SEND_EMAIL)
        async def send_email(request: EmailRequest) -> EmailResult:
            self.email_attempts += 1
            sent = request.event_key not in self.emails
            self.emails.setdefault(request.event_key, request)
            return EmailResult(request.event_key, sent)

        return [
            send_email,
            refund_order,
            refund_unshipped,
            cancel_unshipped,
            plan,
            assign,
            notify_warehouse,
            mark_shipped,
            mark_delivered,
            cancel_suborder,
            cancel_order,
            set_order_status,
        ]


@dataclass
class OrderHarness:
    env: WorkflowEnvironment
    store: FakeWarehouses
    task_queue: str = TASK_QUEUE
    started: list[str] = field(default_factory=list)  # ended when the harness closes

    @property
    def client(self) -> Client:
        return self.env.client

    async def start(
        self,
        order_id: str = ORDER,
        user_id: int = USER,
        search_attributes: TypedSearchAttributes | None = None,
        task_timeout: timedelta | None = None,
    ) -> WorkflowHandle:
        """Start the order; `search_attributes` as the checkout's starter sets them; a
        short `task_timeout` lets a signal or update in while a local activity is out."""
        self.started.append(order_workflow_id(order_id))
        return await self.client.start_workflow(
            OrderWorkflow.run,
            OrderInput(order_id, user_id),
            id=order_workflow_id(order_id),
            task_queue=self.task_queue,
            search_attributes=search_attributes,
            task_timeout=task_timeout,
        )

    async def suborder_workflows(self) -> list[str]:
        """The ids of every suborder workflow the started orders planned (asked while the
        worker still answers queries)."""
        found = []
        for workflow_id in self.started:
            try:
                progress = await self.client.get_workflow_handle(workflow_id).query(
                    OrderWorkflow.state
                )
            except Exception:  # noqa: BLE001 - over or broken: nothing to ask it
                continue
            found += [suborder_workflow_id(s.suborder_id) for s in progress.suborders]
        return found

    def order(self, order_id: str = ORDER) -> WorkflowHandle:
        return self.client.get_workflow_handle_for(OrderWorkflow.run, order_workflow_id(order_id))

    def suborder(self, suborder_id: str) -> WorkflowHandle:
        return self.client.get_workflow_handle_for(
            SuborderWorkflow.run, suborder_workflow_id(suborder_id)
        )

    async def until(
        self,
        check: Callable[[OrderProgress], bool | Awaitable[bool]],
        order_id: str = ORDER,
        timeout: float = 20.0,
    ) -> OrderProgress:
        """Query the order until `check` (plain or async) holds; the workflow moves on
        between queries."""
        deadline = time.monotonic() + timeout
        while True:
            progress = await self.order(order_id).query(OrderWorkflow.state)
            held = check(progress)
            if held if isinstance(held, bool) else await held:
                return progress
            if time.monotonic() > deadline:
                raise AssertionError(f"order never got there: {progress} {self.store.suborders}")
            await asyncio.sleep(0.05)

    async def until_assigned(self, *suborder_ids: str) -> OrderProgress:
        """Wait until these suborders (default: every one not LOST) are assigned and queued,
        and each child has finished that workflow task (its `status` query says so).

        A child does not tell its order "assigned": the order's progress
        keeps them PLANNED, so the fake warehouses' books and the child are where to look.
        """

        async def assigned(progress: OrderProgress) -> bool:
            wanted = suborder_ids or tuple(
                s.suborder_id for s in progress.suborders if s.status != "LOST"
            )
            if not wanted or not all(self._queued(suborder_id) for suborder_id in wanted):
                return False
            for suborder_id in wanted:
                said = await self.suborder(suborder_id).query(SuborderWorkflow.status)
                if said != "ASSIGNED":
                    return False
            return True

        return await self.until(assigned)

    def _queued(self, suborder_id: str) -> bool:
        row = self.store.suborders.get(suborder_id)
        return (
            row is not None
            and row["status"] == "ASSIGNED"
            and (row["warehouse"], suborder_id) in self.store.notified
        )

    async def ship(self, suborder_id: str) -> None:
        await self.suborder(suborder_id).signal(SuborderWorkflow.ship)

    async def deliver(self, suborder_id: str) -> None:
        await self.suborder(suborder_id).signal(SuborderWorkflow.deliver)


def statuses(progress: OrderProgress) -> dict[str, str]:
    return {s.suborder_id: s.status for s in progress.suborders}


@asynccontextmanager
async def order_harness(store: FakeWarehouses) -> AsyncIterator[OrderHarness]:
    """The real order workflows on the session's time-skipping server, on a task queue of
    their own; the orders it started, and their suborders, end with it (ids repeat
    between tests, and the test server does not apply a parent close policy)."""
    task_queue = unique_task_queue(TASK_QUEUE)
    async with workflow_server() as env:
        harness = OrderHarness(env, store, task_queue)
        async with Worker(
            env.client,
            task_queue=task_queue,
            workflows=[OrderWorkflow, SuborderWorkflow],
            activities=store.activities(),
        ):
            try:
                yield harness
            finally:
                await end_workflows(env.client, await harness.suborder_workflows())
                await end_workflows(env.client, harness.started)
