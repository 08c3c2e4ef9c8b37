"""Fulfilment activities: plan the split, assign suborders, queue them to warehouses,
ship, deliver, cancel.

Each is one database transaction (notify: one atomic Redis script) keyed by the order
or suborder id, so Temporal may run it again at any moment without a second decrement,
row or queue entry. Business outcomes are non-retryable ApplicationErrors.

Stock arithmetic (docs/contract.md §3), chosen so invariants I1 and I2 hold after every
single commit, not only once the whole order is done:

    assign           warehouse available −q, warehouse_orders row ASSIGNED
    mark_shipped     warehouse physical −q, row SHIPPED (only from ASSIGNED)
    cancel_suborder  warehouse available +q, row CANCELLED (only from ASSIGNED)
    cancel_order     aggregated +q for every order line, order CANCELLED (only once
                     no suborder is left ASSIGNED/SHIPPED/DELIVERED)

A cancelled suborder's lines count as "submitted but unassigned" again (I1), so the
aggregated stock is given back once, for the whole order, in cancel_order; that also
releases what was never assigned. The suborder row's conditional status UPDATE is the
arbiter when cancel races ship: whichever commits first wins, the other is refused.

Row locks: the suborder row first, then warehouse_stock rows in item-id order, then
aggregated_stock rows (db.postgres.locks.lock_rows, id order), then the order row last.
"""

from __future__ import annotations

from collections.abc import Callable

import redis
from sqlalchemy import select, text
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.orm import Session, sessionmaker
from temporalio import activity
from temporalio.exceptions import ApplicationError

from db.geo.geocoding import locate
from db.postgres.locks import lock_rows
from db.postgres.models import AggregatedStock, Order, Suborder, SuborderLine, Warehouse
from db.postgres.order_timeline import append_event
from db.redis.warehouse_queue import WarehouseQueue, stream_key
from domain.allocation import Unallocatable, WarehouseSite, allocate, strategy_named
from domain.order import OrderStatus as OS
from domain.order import SuborderStatus as SS
from domain.order import has_shipped
from domain.stock import Line
from workflows.order_messages import (
    ALREADY_SHIPPED,
    ASSIGN,
    CANCEL_ORDER,
    CANCEL_SUBORDER,
    MARK_DELIVERED,
    MARK_SHIPPED,
    NOT_SHIPPED,
    NOTIFY_WAREHOUSE,
    PLAN,
    SET_ORDER_STATUS,
    SUBORDER_CANCELLED,
    UNALLOCATABLE,
    UNKNOWN_ORDER,
    UNKNOWN_SUBORDER,
    WAREHOUSE_SHORT,
    AssignRequest,
    AssignResult,
    CancelOrderRequest,
    CancelOrderResult,
    NotifyRequest,
    NotifyResult,
    PlannedSuborder,
    PlanRequest,
    PlanResult,
    SetOrderStatusRequest,
    SetOrderStatusResult,
    SuborderRequest,
    SuborderResult,
)

SUBORDER_ACTIVE = "SuborderActive"  # cancel_order called while a suborder is still assigned


def _business_error(kind: str, message: str, *details: object) -> ApplicationError:
    return ApplicationError(message, *details, type=kind, non_retryable=True)


class FulfilmentActivities:
    def __init__(
        self,
        sessions: sessionmaker[Session],
        redis_client: redis.Redis | Callable[[], redis.Redis] | None = None,
        *,
        default_strategy: str = "nearest",
    ) -> None:
        strategy_named(default_strategy)  # an unknown name stops the worker at start-up
        self._sessions = sessions
        self._default_strategy = default_strategy
        self._redis_source = redis_client
        self._redis: redis.Redis | None = None

    def activities(self) -> list[Callable]:
        return [
            self.plan,
            self.assign,
            self.notify_warehouse,
            self.mark_shipped,
            self.mark_delivered,
            self.cancel_suborder,
            self.cancel_order,
            self.set_order_status,
        ]

    def _redis_client(self) -> redis.Redis:
        if self._redis is None:
            source = self._redis_source
            if source is None:
                raise RuntimeError("FulfilmentActivities needs a Redis client to notify warehouses")
            self._redis = source if isinstance(source, redis.Redis) else source()
        return self._redis

    # --- planning and assignment -------------------------------------------------------

    @activity.defn(name=PLAN)
    def plan(self, request: PlanRequest) -> PlanResult:
        """Split the order (or the given remainder) over warehouses by available stock now."""
        with self._sessions.begin() as session:
            order = session.get(Order, request.order_id)
            if order is None:
                raise _business_error(UNKNOWN_ORDER, f"no order {request.order_id}")
            order_lines = tuple(Line(line.item_id, line.quantity) for line in order.lines)
            wanted = request.lines or order_lines
            ids = sorted({line.item_id for line in wanted})
            sites = [
                WarehouseSite(w.id, w.latitude, w.longitude, w.active)
                for w in session.scalars(select(Warehouse).order_by(Warehouse.id))
            ]
            stock: dict[int, dict[int, int]] = {}
            for row in session.execute(
                text(
                    "SELECT warehouse_id, item_id, available_stock FROM warehouse_stock "
                    "WHERE item_id = ANY(:ids) AND available_stock > 0"
                ),
                {"ids": ids},
            ):
                stock.setdefault(row.warehouse_id, {})[row.item_id] = row.available_stock
            address = dict(order.shipping_address or {})
        strategy = request.strategy or self._default_strategy  # "" = the operator's setting
        try:
            suborders = allocate(wanted, locate(address), stock, sites, strategy=strategy)
        except Unallocatable as error:
            raise _business_error(UNALLOCATABLE, str(error), *error.as_details()) from error
        return PlanResult(
            order_lines,
            tuple(
                PlannedSuborder(s.warehouse_id, tuple(Line(i, q) for i, q in s.lines))
                for s in suborders
            ),
        )

    @activity.defn(name=ASSIGN)
    def assign(self, request: AssignRequest) -> AssignResult:
        """Take the stock from the warehouse and write the suborder, or nothing at all."""
        lines = sorted(request.lines, key=lambda line: line.item_id)
        with self._sessions.begin() as session:
            order = session.get(Order, request.order_id)
            if order is None:
                raise _business_error(UNKNOWN_ORDER, f"no order {request.order_id}")
            # Claim the business key first: a concurrent duplicate waits on it, then
            # finds our row and becomes a no-op.
            claimed = session.scalar(
                insert(Suborder)
                .values(
                    id=request.suborder_id,
                    order_id=request.order_id,
                    warehouse_id=request.warehouse_id,
                    shipping_address=order.shipping_address,
                    status=SS.ASSIGNED,
                )
                .on_conflict_do_nothing(index_elements=["id"])
                .returning(Suborder.id)
            )
            if claimed is None:
                status = session.scalar(
                    select(Suborder.status).where(Suborder.id == request.suborder_id)
                )
                return AssignResult(request.suborder_id, str(status), created=False)
            on_hand = {
                row.item_id: row.available_stock
                for row in session.execute(
                    text(
                        "SELECT item_id, available_stock FROM warehouse_stock "
                        "WHERE warehouse_id = :w AND item_id = ANY(:ids) "
                        "ORDER BY item_id FOR UPDATE"
                    ),
                    {"w": request.warehouse_id, "ids": [line.item_id for line in lines]},
                )
            }
            short = [
                {
                    "itemID": line.item_id,
                    "asked": line.quantity,
                    "left": on_hand.get(line.item_id, 0),
                }
                for line in lines
                if on_hand.get(line.item_id, 0) < line.quantity
            ]
            if short:
                # Raising rolls the claim back too: nothing of this suborder is written.
                raise _business_error(
                    WAREHOUSE_SHORT,
                    f"warehouse {request.warehouse_id} no longer holds the stock",
                    *short,
                )
            for line in lines:
                session.execute(
                    text(
                        "UPDATE warehouse_stock SET available_stock = available_stock - :q "
                        "WHERE item_id = :i AND warehouse_id = :w AND available_stock >= :q"
                    ),
                    {"q": line.quantity, "i": line.item_id, "w": request.warehouse_id},
                )
            session.add_all(
                SuborderLine(
                    suborder_id=request.suborder_id,
                    item_id=line.item_id,
                    quantity=line.quantity,
                )
                for line in lines
            )
            name = session.scalar(
                select(Warehouse.name).where(Warehouse.id == request.warehouse_id)
            )
            append_event(
                session,
                request.order_id,
                "assigned",
                f"Suborder {request.suborder_id} assigned to warehouse {name or request.warehouse_id}",
            )
            return AssignResult(request.suborder_id, SS.ASSIGNED.value, created=True)

    @activity.defn(name=NOTIFY_WAREHOUSE)
    def notify_warehouse(self, request: NotifyRequest) -> NotifyResult:
        """Queue the suborder on its warehouse's Redis stream, once.

        Idempotent: `db.redis.warehouse_queue` remembers every suborder it queued, so a retry
        adds nothing.
        """
        queue = WarehouseQueue(self._redis_client())
        entry = queue.enqueue(request.warehouse_id, request.suborder_id, request.order_id)
        return NotifyResult(stream_key(request.warehouse_id), entry)

    # --- warehouse outcomes -------------------------------------------------------------

    def _transition(
        self, session: Session, suborder_id: str, source: SS, target: SS, stamp: str | None
    ) -> tuple[str, int] | SS:
        """Conditional status UPDATE: (order id, warehouse) if it moved, else the current status."""
        stamp_sql = f", {stamp} = now()" if stamp else ""
        moved = session.execute(
            text(
                f"UPDATE warehouse_orders SET status = :target{stamp_sql} "
                "WHERE id = :id AND status = :source RETURNING order_id, warehouse_id"
            ),
            {"id": suborder_id, "source": source.value, "target": target.value},
        ).one_or_none()
        if moved is not None:
            return moved.order_id, moved.warehouse_id
        status = session.scalar(select(Suborder.status).where(Suborder.id == suborder_id))
        if status is None:
            raise _business_error(UNKNOWN_SUBORDER, f"no suborder {suborder_id}")
        return SS(status)

    @staticmethod
    def _lines(session: Session, suborder_id: str) -> list[tuple[int, int]]:
        rows = session.execute(
            select(SuborderLine.item_id, SuborderLine.quantity)
            .where(SuborderLine.suborder_id == suborder_id)
            .order_by(SuborderLine.item_id)
        )
        return [(row.item_id, row.quantity) for row in rows]

    @activity.defn(name=MARK_SHIPPED)
    def mark_shipped(self, request: SuborderRequest) -> SuborderResult:
        """The parcel left: physical stock −q. Shipping twice is harmless; a cancelled suborder is refused."""
        with self._sessions.begin() as session:
            moved = self._transition(
                session, request.suborder_id, SS.ASSIGNED, SS.SHIPPED, "shipped_at"
            )
            if moved is SS.CANCELLED:
                raise _business_error(
                    SUBORDER_CANCELLED, f"suborder {request.suborder_id} was cancelled"
                )
            if isinstance(moved, SS):
                return SuborderResult(request.suborder_id, moved.value, changed=False)
            order_id, warehouse_id = moved
            for item_id, quantity in self._lines(session, request.suborder_id):
                session.execute(
                    text(
                        "UPDATE warehouse_stock SET physical_stock = physical_stock - :q "
                        "WHERE item_id = :i AND warehouse_id = :w"
                    ),
                    {"q": quantity, "i": item_id, "w": warehouse_id},
                )
            append_event(
                session, order_id, "suborder shipped", f"Suborder {request.suborder_id} shipped"
            )
            return SuborderResult(request.suborder_id, SS.SHIPPED.value, changed=True)

    @activity.defn(name=MARK_DELIVERED)
    def mark_delivered(self, request: SuborderRequest) -> SuborderResult:
        with self._sessions.begin() as session:
            moved = self._transition(
                session, request.suborder_id, SS.SHIPPED, SS.DELIVERED, "delivered_at"
            )
            if moved is SS.DELIVERED:
                return SuborderResult(request.suborder_id, moved.value, changed=False)
            if isinstance(moved, SS):
                raise _business_error(
                    NOT_SHIPPED, f"suborder {request.suborder_id} is {moved.value}, not shipped"
                )
            append_event(
                session, moved[0], "suborder delivered", f"Suborder {request.suborder_id} delivered"
            )
            return SuborderResult(request.suborder_id, SS.DELIVERED.value, changed=True)

    @activity.defn(name=CANCEL_SUBORDER)
    def cancel_suborder(self, request: SuborderRequest) -> SuborderResult:
        """Give the warehouse its available stock back; refused once the suborder shipped."""
        with self._sessions.begin() as session:
            moved = self._transition(session, request.suborder_id, SS.ASSIGNED, SS.CANCELLED, None)
            if moved is SS.CANCELLED:
                return SuborderResult(request.suborder_id, moved.value, changed=False)
            if isinstance(moved, SS):
                raise _business_error(
                    ALREADY_SHIPPED, f"suborder {request.suborder_id} has already shipped"
                )
            order_id, warehouse_id = moved
            for item_id, quantity in self._lines(session, request.suborder_id):
                session.execute(
                    text(
                        "UPDATE warehouse_stock SET available_stock = available_stock + :q "
                        "WHERE item_id = :i AND warehouse_id = :w"
                    ),
                    {"q": quantity, "i": item_id, "w": warehouse_id},
                )
            append_event(
                session, order_id, "suborder cancelled", f"Suborder {request.suborder_id} cancelled"
            )
            return SuborderResult(request.suborder_id, SS.CANCELLED.value, changed=True)

    # --- the order ----------------------------------------------------------------------

    @activity.defn(name=CANCEL_ORDER)
    def cancel_order(self, request: CancelOrderRequest) -> CancelOrderResult:
        """Aggregated stock +q for every line and status CANCELLED, once every suborder is cancelled."""
        with self._sessions.begin() as session:
            locked = lock_rows(session, Order, [request.order_id])
            if not locked:
                raise _business_error(UNKNOWN_ORDER, f"no order {request.order_id}")
            order = locked[0]
            if order.status is OS.CANCELLED:
                return CancelOrderResult(())
            active = set(
                session.scalars(
                    select(Suborder.status).where(
                        Suborder.order_id == request.order_id,
                        Suborder.status != SS.CANCELLED,
                    )
                )
            )
            if has_shipped(order.status, active):
                raise _business_error(ALREADY_SHIPPED, f"order {request.order_id} has shipped")
            if active:
                raise _business_error(
                    SUBORDER_ACTIVE, f"order {request.order_id} still has assigned suborders"
                )
            lines = {line.item_id: line.quantity for line in order.lines}
            for row in lock_rows(session, AggregatedStock, lines):
                row.stock += lines[row.item_id]
            order.status = OS.CANCELLED
            session.flush()
            detail = f"Cancelled by the store: {request.reason}" if request.reason else ""
            append_event(session, order.id, "cancelled", detail or "Order cancelled")
            return CancelOrderResult(tuple(Line(i, q) for i, q in sorted(lines.items())))

    @activity.defn(name=SET_ORDER_STATUS)
    def set_order_status(self, request: SetOrderStatusRequest) -> SetOrderStatusResult:
        """orders.status and a timeline entry; a no-op when it already has that status."""
        with self._sessions.begin() as session:
            changed = session.execute(
                text(
                    "UPDATE orders SET status = :s "
                    "WHERE id = :o AND status <> :s AND status <> 'CANCELLED' RETURNING id"
                ),
                {"s": OS(request.status).value, "o": request.order_id},
            ).one_or_none()
            if changed is not None:
                append_event(session, request.order_id, request.event, request.detail)
            return SetOrderStatusResult(changed is not None)
