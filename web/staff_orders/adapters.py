"""The order desk's ports over the real parts: PostgreSQL reads and the order workflow's
`cancel` update (id `order-<orderID>`, through web/temporal_gateway.py)."""

from __future__ import annotations

from datetime import UTC

from sqlalchemy import select, tuple_
from sqlalchemy.orm import Session, selectinload, sessionmaker
from temporalio.client import Client

from db.postgres.models import Order, PaymentCharge, User
from domain.refusals import RefusalKind, cancel_refusal_kind
from web.refusals import Refused
from web.staff_orders.ports import (
    Customer,
    OrderSummary,
    Position,
    StaffOrder,
    StaffOrderLine,
    SummaryPage,
    WorkflowGone,
)
from web.staff_orders.use_cases import ORDER_ID
from web.suborder_adapters import suborders_of
from web.temporal_gateway import (
    TemporalGateway,
    TemporalUnavailable,
    WorkflowClosed,
    WorkflowNotFound,
    WorkflowRefused,
    temporal_call,
)
from workflows.order import OrderWorkflow
from workflows.order_messages import CancelOrder, order_workflow_id

# As the shopper's cancel (web/orders/adapters.py): a few activities of 30 s at most.
CANCEL_TIMEOUT = 45.0
UNAVAILABLE = "The order system can't be reached right now, so nothing was cancelled. Try again."


class SqlStaffOrderReads:
    def __init__(self, sessions: sessionmaker[Session]) -> None:
        self._sessions = sessions

    def customer(self, email: str) -> Customer | None:
        with self._sessions() as session:
            row = session.execute(select(User.id, User.email).where(User.email == email)).first()
        return Customer(row.id, row.email) if row else None

    def orders_of(self, customer_id: int, *, limit: int, after: Position | None) -> SummaryPage:
        # The (user_id, ordered_at, id) index answers this, as it does the shopper's list.
        statement = select(Order).where(Order.user_id == customer_id)
        if after is not None:
            statement = statement.where(
                tuple_(Order.ordered_at, Order.id) < tuple_(after.ordered_at, after.order_id)
            )
        statement = (
            statement.order_by(Order.ordered_at.desc(), Order.id.desc())
            .limit(limit + 1)
            .options(selectinload(Order.lines))
        )
        with self._sessions() as session:
            rows = session.scalars(statement).all()
            shown = tuple(
                OrderSummary(
                    o.id,
                    o.ordered_at.astimezone(UTC),
                    str(o.status),
                    o.total,
                    sum(line.quantity for line in o.lines),
                )
                for o in rows[:limit]
            )
        last = shown[-1] if len(rows) > limit else None
        return SummaryPage(shown, Position(last.ordered_at, last.order_id) if last else None)

    def find(self, order_id: str) -> StaffOrder | None:
        if not ORDER_ID.fullmatch(order_id):
            return None
        with self._sessions() as session:
            # One snapshot for the order, its suborders and the ledger (as the order page).
            session.connection(execution_options={"isolation_level": "REPEATABLE READ"})
            found = session.execute(
                select(Order, User.email)
                .join(User, User.id == Order.user_id)
                .where(Order.id == order_id)
                .options(selectinload(Order.lines))
            ).one_or_none()
            if found is None:
                return None
            order, email = found
            # What the payment gateway gave back (the sandbox's ledger, payments/sandbox.py).
            refunded = session.scalar(
                select(PaymentCharge.refunded_amount).where(
                    PaymentCharge.id == order.payment_reference
                )
            )
            names = {line.item_id: line.name for line in order.lines}
            return StaffOrder(
                order_id=order.id,
                customer=Customer(order.user_id, email),
                ordered_at=order.ordered_at.astimezone(UTC),
                status=str(order.status),
                total=order.total,
                refunded=refunded or 0,
                lines=tuple(
                    StaffOrderLine(line.item_id, line.name, line.quantity, line.unit_price)
                    for line in order.lines
                ),
                shipping_address=dict(order.shipping_address or {}),
                card_brand=order.card_brand,
                card_last4=order.card_last4,
                timeline=tuple(order.timeline or ()),
                suborders=suborders_of(session, order.id, names),
            )


class TemporalStaffCancel:
    """The shopper's cancel update, sent with the customer's id (read from PostgreSQL by
    the use case) and the store's reason."""

    def __init__(self, gateway: TemporalGateway | None) -> None:
        self._gateway = gateway

    def cancel(self, customer_id: int, order_id: str, reason: str) -> Refused | WorkflowGone | None:
        async def run(client: Client) -> None:
            handle = client.get_workflow_handle(order_workflow_id(order_id))
            await handle.execute_update(OrderWorkflow.cancel, CancelOrder(customer_id, reason))

        try:
            temporal_call(self._gateway, run, timeout=CANCEL_TIMEOUT, what="order desk")
        except WorkflowRefused as refusal:
            return Refused(cancel_refusal_kind(refusal.kind), refusal.message)
        except WorkflowClosed:
            return WorkflowGone(started=True)
        except WorkflowNotFound:
            return WorkflowGone(started=False)
        except TemporalUnavailable:
            return Refused(RefusalKind.SERVICE_UNAVAILABLE, UNAVAILABLE, retry_after=5)
        return None
