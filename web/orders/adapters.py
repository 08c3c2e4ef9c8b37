"""The orders' ports over the real parts: PostgreSQL reads and the order workflow."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime

from sqlalchemy import select, tuple_
from sqlalchemy.orm import Session, selectinload, sessionmaker
from temporalio.client import Client

from db.postgres.models import Order
from domain.delivery import order_arrival
from domain.order import OrderStatus
from domain.refusals import RefusalKind, cancel_refusal_kind
from web.orders.errors import STILL_WORKING, UNAVAILABLE
from web.orders.ports import CancelledParcels, WorkflowGone
from web.orders.reads import ORDER_ID, OrderLineView, OrdersPage, OrderView, Position
from web.orders.use_cases import unavailable
from web.refusals import Refused
from web.suborder_adapters import arrival_dates, suborders_of
from web.temporal_gateway import (
    TemporalGateway,
    TemporalUnavailable,
    WorkflowClosed,
    WorkflowNotFound,
    WorkflowRefused,
    temporal_call,
)
from workflows.order import OrderWorkflow
from workflows.order_messages import (
    NOT_YOURS,
    CancelOrder,
    CancelUnshipped,
    order_workflow_id,
)

# The update answers once every open suborder gave its stock back and the order row
# says CANCELLED: a few activities, each with a 30 s attempt timeout. This only trips
# when Temporal or the worker is stuck.
CANCEL_TIMEOUT = 45.0


class SqlOrderReads:
    def __init__(self, sessions: sessionmaker[Session]) -> None:
        self._sessions = sessions

    def page(
        self,
        user_id: int,
        *,
        limit: int,
        after: Position | None,
        since: datetime | None,
        statuses: frozenset[OrderStatus] = frozenset(),
    ) -> OrdersPage:
        # The (user_id, ordered_at, id) index answers this without counting or skipping.
        statement = select(Order).where(Order.user_id == user_id)
        if since is not None:
            statement = statement.where(Order.ordered_at >= since)
        if statuses:
            statement = statement.where(Order.status.in_(sorted(statuses)))
        if after is not None:
            statement = statement.where(
                tuple_(Order.ordered_at, Order.id) < tuple_(after.ordered_at, after.order_id)
            )
        statement = (
            statement.order_by(Order.ordered_at.desc(), Order.id.desc())
            .limit(limit + 1)  # one more tells whether there is a next page
            .options(selectinload(Order.lines))
        )
        with self._sessions() as session:
            rows = session.scalars(statement).all()
            dates = arrival_dates(session, [order.id for order in rows[:limit]])
            orders = tuple(
                _with_parcel_dates(_view(order), dates.get(order.id)) for order in rows[:limit]
            )
        last = orders[-1] if len(rows) > limit else None
        return OrdersPage(orders, Position(last.ordered_at, last.order_id) if last else None, limit)

    def find(self, user_id: int, order_id: str) -> OrderView | None:
        with self._sessions() as session:
            return find_order(session, user_id, order_id)


def find_order(session: Session, user_id: int, order_id: str) -> OrderView | None:
    """The order if it is this shopper's; someone else's is None, exactly like a missing one."""
    if not ORDER_ID.fullmatch(order_id):
        return None
    # One snapshot for the order row and its suborders: fulfilment writes a suborder and
    # its "assigned" event in one transaction, and a page must not show one without the
    # other (read committed would let a commit land between the two reads).
    session.connection(execution_options={"isolation_level": "REPEATABLE READ"})
    order = session.scalars(
        select(Order)
        .where(Order.id == order_id, Order.user_id == user_id)
        .options(selectinload(Order.lines))
    ).one_or_none()
    if order is None:
        return None
    names = {line.item_id: line.name for line in order.lines}
    suborders = suborders_of(session, order.id, names)
    latest = order_arrival(s.arrival_date for s in suborders)
    return replace(_with_parcel_dates(_view(order), latest), suborders=suborders)


def _with_parcel_dates(view: OrderView, latest_parcel: date | None) -> OrderView:
    """The parcels' own latest date once there are parcels (docs/delivery.md); until the
    order is split, the date checkout promised; a cancelled order, none."""
    if view.status == OrderStatus.CANCELLED:
        return replace(view, arrival_date=None)
    return view if latest_parcel is None else replace(view, arrival_date=latest_parcel)


class TemporalOrderClient:
    """The order workflow's `cancel` and `cancel_unshipped` updates (id `order-<orderID>`) through
    web/temporal_gateway.py. The caller checks ownership in PostgreSQL first; the
    workflow's own NotYours check is a second lock on the same door."""

    def __init__(self, gateway: TemporalGateway | None) -> None:
        self._gateway = gateway

    def cancel(self, user_id: int, order_id: str) -> Refused | WorkflowGone | None:
        async def run(client: Client) -> None:
            handle = client.get_workflow_handle(order_workflow_id(order_id))
            await handle.execute_update(OrderWorkflow.cancel, CancelOrder(user_id))

        answer = self._call(run)
        return None if answer is _DONE else answer

    def cancel_unshipped(
        self, user_id: int, order_id: str
    ) -> CancelledParcels | Refused | WorkflowGone:
        async def run(client: Client) -> CancelledParcels:
            handle = client.get_workflow_handle(order_workflow_id(order_id))
            done = await handle.execute_update(
                OrderWorkflow.cancel_unshipped, CancelUnshipped(user_id)
            )
            return CancelledParcels(done.cancelled_suborders, done.refund)

        return self._call(run)

    def _call(self, run):
        """The update's answer, or what its failure means to the shopper."""
        try:
            answer = temporal_call(self._gateway, run, timeout=CANCEL_TIMEOUT, what="orders")
        except WorkflowRefused as refusal:
            if refusal.kind == NOT_YOURS:
                return Refused(RefusalKind.NOT_FOUND, "We couldn't find that order in your orders.")
            return Refused(cancel_refusal_kind(refusal.kind), refusal.message)
        except WorkflowClosed:
            return WorkflowGone(started=True)
        except WorkflowNotFound:
            return WorkflowGone(started=False)
        except TemporalUnavailable as error:
            return unavailable(STILL_WORKING if error.still_working else UNAVAILABLE)
        return _DONE if answer is None else answer


_DONE = object()  # the cancel update answered (its answer is read from PostgreSQL)


def _view(order: Order) -> OrderView:
    return OrderView(
        order_id=order.id,
        checkout_id=order.checkout_id,
        ordered_at=order.ordered_at.astimezone(UTC),
        arrival_date=order.arrival_date,
        status=str(order.status),
        total=order.total,
        lines=tuple(
            OrderLineView(
                line.item_id, line.name, line.quantity, line.unit_price, line.cancelled_quantity
            )
            for line in order.lines
        ),
        shipping_address=dict(order.shipping_address or {}),
        card_brand=order.card_brand,
        card_last4=order.card_last4,
        timeline=tuple(order.timeline or ()),
    )
