"""What each email says: the facts read from the database, rendered through the Jinja
templates in templates/email/ as HTML and plain text (docs/email.md)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path

from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape
from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from db.geo.geocoding import locate
from db.postgres.models import (
    Order,
    PasswordResetToken,
    Suborder,
    SuborderLine,
    User,
    Warehouse,
)
from db.postgres.returns import find_return
from domain.delivery import parcel_arrival_from
from domain.money import format_cents, line_total
from workflows.mail_messages import (
    ORDER_CANCELLED,
    ORDER_DELIVERED,
    ORDER_PLACED,
    PARCEL_SHIPPED,
    PARCELS_CANCELLED,
    PASSWORD_RESET,
    RETURN_AUTHORIZED,
    RETURN_REFUNDED,
    EmailRequest,
)

RETURNS = (RETURN_AUTHORIZED, RETURN_REFUNDED)

TEMPLATES = Path(__file__).resolve().parent.parent / "templates" / "email"

SUBJECTS = {
    ORDER_PLACED: "Your shopflow order {short} is placed",
    PARCEL_SHIPPED: "A parcel of your order {short} has shipped",
    ORDER_DELIVERED: "Your shopflow order {short} was delivered",
    ORDER_CANCELLED: "Your shopflow order {short} is cancelled",
    PARCELS_CANCELLED: "Part of your shopflow order {short} is cancelled",
    PASSWORD_RESET: "Reset your shopflow password",
    RETURN_AUTHORIZED: "Your return for order {short} is authorised",
    RETURN_REFUNDED: "Your return for order {short} is refunded",
}


class NothingToSend(LookupError):
    """The order, parcel or reset link the request names does not exist."""


@dataclass(frozen=True)
class Email:
    recipient: str
    subject: str
    text: str
    html: str


def _environment() -> Environment:
    env = Environment(
        loader=FileSystemLoader(TEMPLATES),
        autoescape=select_autoescape(["html"]),
        undefined=StrictUndefined,
        keep_trailing_newline=True,
    )
    env.filters["money"] = format_cents
    return env


_ENV = _environment()


def compose(
    session: Session, request: EmailRequest, *, store_url: str, reset_ttl_minutes: int
) -> Email:
    facts = _facts(session, request, store_url)
    facts |= {"store_url": store_url, "ttl_minutes": reset_ttl_minutes}
    subject = SUBJECTS[request.kind].format(short=str(facts.get("order_id", ""))[:8])
    facts["subject"] = subject
    return Email(
        recipient=facts["recipient"],
        subject=subject,
        text=_ENV.get_template(f"{request.kind}.txt").render(facts),
        html=_ENV.get_template(f"{request.kind}.html").render(facts),
    )


def _facts(session: Session, request: EmailRequest, store_url: str) -> dict:
    if request.kind == PASSWORD_RESET:
        token = session.scalar(
            select(PasswordResetToken).where(PasswordResetToken.token_hash == request.subject_id)
        )
        if token is None:
            raise NothingToSend(request.event_key)
        user = session.get(User, token.user_id)
        return {"recipient": user.email, "link": request.link}
    order_id = request.subject_id
    suborder = None
    returned = None
    if request.kind in RETURNS:
        returned = find_return(session, request.subject_id)
        if returned is None:
            raise NothingToSend(request.event_key)
        order_id = returned.order_id
    if request.kind == PARCEL_SHIPPED:
        suborder = session.get(Suborder, request.subject_id)
        if suborder is None:
            raise NothingToSend(request.event_key)
        order_id = suborder.order_id
    order = session.scalars(
        select(Order).where(Order.id == order_id).options(selectinload(Order.lines))
    ).one_or_none()
    if order is None:
        raise NothingToSend(request.event_key)
    user = session.get(User, order.user_id)
    facts = {
        "recipient": user.email,
        "order_id": order.id,
        "order_url": f"{store_url}/orders/{order.id}",
        "ordered_at": order.ordered_at.astimezone(UTC),
        "lines": order.lines,
        "total": order.total,
        "card_brand": order.card_brand,
        "card_last4": order.card_last4,
        "refund": request.refund,
    }
    address = locate(dict(order.shipping_address or {}))
    if any(line.cancelled_quantity for line in order.lines):
        # After a partial cancel the order is what it still ships (docs/orders.md): the
        # delivered email lists and totals those units, not the cancelled ones.
        kept = [line for line in order.lines if line.kept_quantity]
        facts["lines"] = [
            {"name": line.name, "quantity": line.kept_quantity, "unit_price": line.unit_price}
            for line in kept
        ]
        facts["total"] = sum(line_total(line.unit_price, line.kept_quantity) for line in kept)
    if request.kind == PARCELS_CANCELLED:
        facts["cancelled_lines"] = [
            {"name": line.name, "quantity": line.cancelled_quantity, "unit_price": line.unit_price}
            for line in order.lines
            if line.cancelled_quantity
        ]
    if returned is not None:
        facts["return_id"] = returned.return_id
        facts["warehouse"] = returned.warehouse_name
        facts["return_lines"] = returned.lines
        facts["return_amount"] = returned.refund_amount
    if request.kind == ORDER_PLACED:
        facts["parcels"] = _parcels(session, request, order.ordered_at, address)
    if suborder is not None:
        warehouse = session.get(Warehouse, suborder.warehouse_id)
        names = {line.item_id: line.name for line in order.lines}
        facts["warehouse"] = warehouse.name
        facts["arrival"] = parcel_arrival_from(
            suborder.created_at.astimezone(UTC).date(),
            (warehouse.latitude, warehouse.longitude),
            address,
        )
        facts["lines"] = [
            {"name": names.get(line.item_id, f"item {line.item_id}"), "quantity": line.quantity}
            for line in session.scalars(
                select(SuborderLine).where(SuborderLine.suborder_id == suborder.id)
            )
        ]
    return facts


def _parcels(session, request: EmailRequest, ordered_at: datetime, address) -> list[dict]:
    sites = {
        w.id: w
        for w in session.scalars(
            select(Warehouse).where(Warehouse.id.in_({p.warehouse_id for p in request.parcels}))
        )
    }
    # Planned on the day the order was placed: the date the order page shows too.
    placed_on: date = ordered_at.astimezone(UTC).date()
    return [
        {
            "warehouse": sites[p.warehouse_id].name,
            "units": p.units,
            "arrival": parcel_arrival_from(
                placed_on,
                (sites[p.warehouse_id].latitude, sites[p.warehouse_id].longitude),
                address,
            ),
        }
        for p in request.parcels
        if p.warehouse_id in sites
    ]
