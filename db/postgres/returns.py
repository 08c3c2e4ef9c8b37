"""The SQL of returns (docs/returns.md): what an order has delivered and returned, writing
a return's rows, and reading one back. Decisions are domain/returns.py's."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session, selectinload

from db.postgres.models import (
    Order,
    OrderLine,
    ProductReturn,
    ReturnLine,
    StaffRefund,
    Suborder,
    Warehouse,
)
from domain.money import line_total
from domain.order import OrderStatus, SuborderStatus
from domain.returns import DeliveredParcel, ParcelReturn, ReturnStatus

# Returns whose refund counts against the payment's cap: given back, or being given back
# (received: its refund is reserved, so an operator's refund cannot take it meanwhile).
COUNTED_AS_REFUNDED = (ReturnStatus.RECEIVED, ReturnStatus.REFUNDED)


@dataclass(frozen=True)
class ReturnLineRow:
    item_id: int
    name: str
    quantity: int
    unit_price: int


@dataclass(frozen=True)
class ReturnRow:
    return_id: str
    order_id: str
    suborder_id: str
    warehouse_id: int
    warehouse_name: str
    status: str
    reason: str
    refund_amount: int
    created_at: datetime
    received_at: datetime | None
    refunded_at: datetime | None
    lines: tuple[ReturnLineRow, ...]


def lock_order(session: Session, order_id: str, user_id: int | None = None) -> Order | None:
    """The order row, locked until the transaction ends: two returns of one order are
    decided one after the other, so both cannot take the same delivered units."""
    statement = select(Order).where(Order.id == order_id).options(selectinload(Order.lines))
    if user_id is not None:
        statement = statement.where(Order.user_id == user_id)
    return session.scalars(statement.with_for_update(of=Order)).one_or_none()


def delivered_parcels(session: Session, order_id: str) -> list[DeliveredParcel]:
    """The order's delivered suborders, each with what earlier returns (any status but
    EXPIRED: those units never came back) already took from it."""
    suborders = session.scalars(
        select(Suborder)
        .where(Suborder.order_id == order_id, Suborder.status == SuborderStatus.DELIVERED)
        .options(selectinload(Suborder.lines))
    ).all()
    returned: dict[str, dict[int, int]] = defaultdict(dict)
    for suborder_id, item_id, quantity in session.execute(
        select(ProductReturn.suborder_id, ReturnLine.item_id, func.sum(ReturnLine.quantity))
        .join(ReturnLine, ReturnLine.return_id == ProductReturn.id)
        .where(
            ProductReturn.order_id == order_id,
            ProductReturn.status != ReturnStatus.EXPIRED,
        )
        .group_by(ProductReturn.suborder_id, ReturnLine.item_id)
    ):
        returned[suborder_id][item_id] = int(quantity)
    return [
        DeliveredParcel(
            suborder_id=s.id,
            warehouse_id=s.warehouse_id,
            delivered_at=(s.delivered_at or s.created_at).astimezone(UTC),
            lines={line.item_id: line.quantity for line in s.lines},
            returned=returned.get(s.id, {}),
        )
        for s in suborders
    ]


def refunded_so_far(session: Session, order_id: str, *, but: str | None = None) -> int:
    """What the order's payment has given back or is giving back: received and refunded
    returns (but the return `but`, the one asking), operators' refunds (claimed ones too,
    so two at once cannot both pass the cap) and, for a cancelled order, everything (the
    cancel refunds the whole total) or the parcels cancelled before they shipped (their
    lines were refunded, docs/orders.md). Call it under the order's row lock."""
    order = session.get(Order, order_id)
    if order is not None and order.status == OrderStatus.CANCELLED:
        return order.total
    returned = session.scalar(
        select(func.coalesce(func.sum(ProductReturn.refund_amount), 0)).where(
            ProductReturn.order_id == order_id,
            ProductReturn.status.in_(COUNTED_AS_REFUNDED),
            ProductReturn.id != (but or ""),
        )
    )
    by_staff = session.scalar(
        select(func.coalesce(func.sum(StaffRefund.amount), 0)).where(
            StaffRefund.order_id == order_id
        )
    )
    unshipped = sum(
        line_total(line.unit_price, line.cancelled_quantity)
        for line in (order.lines if order is not None else ())
        if line.cancelled_quantity
    )
    return int(returned) + int(by_staff) + unshipped


def add_return(
    session: Session,
    return_id: str,
    order: Order,
    planned: ParcelReturn,
    reason: str,
) -> None:
    prices = {line.item_id: line.unit_price for line in order.lines}
    session.add(
        ProductReturn(
            id=return_id,
            order_id=order.id,
            suborder_id=planned.suborder_id,
            warehouse_id=planned.warehouse_id,
            status=ReturnStatus.AUTHORIZED,
            reason=reason,
            refund_amount=planned.refund,
            restocked=False,
            lines=[
                ReturnLine(item_id=item_id, quantity=quantity, unit_price=prices[item_id])
                for item_id, quantity in planned.lines
            ],
        )
    )


def find_return(
    session: Session,
    return_id: str,
    *,
    order_id: str | None = None,
    warehouse_id: int | None = None,
) -> ReturnRow | None:
    """The return, if it is that order's (or that warehouse's): another's reads as missing."""
    statement = (
        select(ProductReturn, Warehouse.name)
        .join(Warehouse, Warehouse.id == ProductReturn.warehouse_id)
        .where(ProductReturn.id == return_id)
        .options(selectinload(ProductReturn.lines))
    )
    if order_id is not None:
        statement = statement.where(ProductReturn.order_id == order_id)
    if warehouse_id is not None:
        statement = statement.where(ProductReturn.warehouse_id == warehouse_id)
    found = session.execute(statement).one_or_none()
    if found is None:
        return None
    row, warehouse_name = found
    names = line_names(session, row.order_id)
    return _row(row, warehouse_name, names)


def returns_of_order(session: Session, order_id: str) -> list[ReturnRow]:
    names = line_names(session, order_id)
    return [
        _row(row, name, names)
        for row, name in session.execute(
            select(ProductReturn, Warehouse.name)
            .join(Warehouse, Warehouse.id == ProductReturn.warehouse_id)
            .where(ProductReturn.order_id == order_id)
            .order_by(ProductReturn.created_at, ProductReturn.id)
            .options(selectinload(ProductReturn.lines))
        )
    ]


def awaiting_receipt(session: Session, warehouse_id: int, limit: int = 50) -> list[ReturnRow]:
    """A warehouse's authorised returns, oldest first: the parcels it is waiting for."""
    rows = session.execute(
        select(ProductReturn, Warehouse.name)
        .join(Warehouse, Warehouse.id == ProductReturn.warehouse_id)
        .where(
            ProductReturn.warehouse_id == warehouse_id,
            ProductReturn.status == ReturnStatus.AUTHORIZED,
        )
        .order_by(ProductReturn.created_at, ProductReturn.id)
        .limit(limit)
        .options(selectinload(ProductReturn.lines))
    ).all()
    return [_row(row, name, line_names(session, row.order_id)) for row, name in rows]


def line_names(session: Session, order_id: str) -> dict[int, str]:
    return dict(
        session.execute(
            select(OrderLine.item_id, OrderLine.name).where(OrderLine.order_id == order_id)
        ).all()
    )


def _row(row: ProductReturn, warehouse_name: str, names: dict[int, str]) -> ReturnRow:
    return ReturnRow(
        return_id=row.id,
        order_id=row.order_id,
        suborder_id=row.suborder_id,
        warehouse_id=row.warehouse_id,
        warehouse_name=warehouse_name,
        status=str(row.status),
        reason=row.reason,
        refund_amount=row.refund_amount,
        created_at=row.created_at.astimezone(UTC),
        received_at=row.received_at.astimezone(UTC) if row.received_at else None,
        refunded_at=row.refunded_at.astimezone(UTC) if row.refunded_at else None,
        lines=tuple(
            ReturnLineRow(
                line.item_id,
                names.get(line.item_id, f"item {line.item_id}"),
                line.quantity,
                line.unit_price,
            )
            for line in row.lines
        ),
    )


def owner_of(session: Session, order_id: str) -> int | None:
    return session.scalar(select(Order.user_id).where(Order.id == order_id))
