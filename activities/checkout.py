"""Checkout activities: reserve, release, authorize, submit the order, void the payment.

Each is one database transaction or one gateway call (submit_order: one capture, then
one transaction) and is keyed by the checkout so Temporal may run it again at any
moment (a retry, a worker killed mid-call) without a second hold, charge or order.
Business outcomes (sold out, declined) are non-retryable ApplicationErrors whose
details the workflow turns into what the shopper sees.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import asdict

from sqlalchemy import delete, select, text
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.orm import Session, sessionmaker
from temporalio import activity
from temporalio.exceptions import ApplicationError

from db.postgres.locks import lock_rows
from db.postgres.models import AggregatedStock, Cart, CartLine, Item, Order, OrderLine, Reservation
from db.postgres.models import ReservationState as State
from domain.checkout import estimated_arrival, from_iso, payment_key, refund_key, to_iso
from domain.money import format_cents, order_total
from domain.stock import InvalidCart, Line, normalise_lines, short_lines
from payments.gateway import (
    PAYMENT_METHOD_UNUSABLE,
    ChargeAlreadyCaptured,
    PaymentGateway,
    PaymentGatewayError,
)
from workflows.checkout_messages import (
    AUTHORIZE_PAYMENT,
    INVALID_CART,
    OUT_OF_STOCK,
    PAYMENT_DECLINED,
    PAYMENT_REJECTED,
    RELEASE,
    RESERVATION_CONFLICT,
    RESERVATION_LOST,
    RESERVE,
    SUBMIT_ORDER,
    UNKNOWN_ITEM,
    VOID_PAYMENT,
    VOID_UNSETTLED_PAYMENT,
    AuthorizeRequest,
    AuthorizeResult,
    PricedLine,
    ReleaseRequest,
    ReleaseResult,
    ReserveRequest,
    ReserveResult,
    SubmitOrderRequest,
    SubmitOrderResult,
    VoidPaymentRequest,
    VoidPaymentResult,
    VoidUnsettledRequest,
)

# The brief's conditional decrement: the lock already makes it certain, the WHERE and
# the CHECK (stock >= 0) make the database refuse an oversell even if the code were wrong.
_TAKE_STOCK = text(
    "UPDATE aggregated_stock SET stock = stock - :q WHERE item_id = :i AND stock >= :q"
)


def _business_error(kind: str, message: str, *details: object) -> ApplicationError:
    return ApplicationError(message, *details, type=kind, non_retryable=True)


GENERIC_DECLINE = ("card_declined", "Your card was declined. Try another card.")


def _shopper_decline(code: str | None, message: str | None) -> tuple[str, str]:
    """What the shopper may learn of a decline: that it happened, and whether re-entering
    the card (a token that expired or was used) could help. Never the bank's reason."""
    if code == PAYMENT_METHOD_UNUSABLE:
        return code, message or "Enter your card details again."
    return GENERIC_DECLINE


class CheckoutActivities:
    def __init__(self, sessions: sessionmaker[Session], gateway: PaymentGateway) -> None:
        self._sessions = sessions
        self._gateway = gateway

    def activities(self) -> list[Callable]:
        return [
            self.reserve,
            self.release,
            self.authorize_payment,
            self.submit_order,
            self.void_payment,
            self.void_unsettled_payment,
        ]

    @activity.defn(name=RESERVE)
    def reserve(self, request: ReserveRequest) -> ReserveResult:
        """Hold every line or none, and read the prices the order will use."""
        try:
            lines = normalise_lines(request.lines)
        except InvalidCart as error:
            raise _business_error(INVALID_CART, str(error)) from error
        ids = [line.item_id for line in lines]
        with self._sessions.begin() as session:
            items = {
                row.id: row
                for row in session.execute(
                    select(Item.id, Item.price, Item.name).where(Item.id.in_(ids))
                )
            }
            unknown = [i for i in ids if i not in items]
            if unknown:
                raise _business_error(UNKNOWN_ITEM, f"no such item: {unknown}", *unknown)
            # Claim the business key first: a concurrent duplicate of this call waits
            # here until we commit, then finds our rows and becomes a no-op.
            claimed = session.scalars(
                insert(Reservation)
                .values(
                    [
                        {
                            "checkout_id": request.checkout_id,
                            "item_id": line.item_id,
                            "quantity": line.quantity,
                            "expires_at": from_iso(request.expires_at),
                            "state": State.HELD,
                        }
                        for line in lines
                    ]
                )
                .on_conflict_do_nothing(index_elements=["checkout_id", "item_id"])
                .returning(Reservation.item_id)
            ).all()
            if not claimed:
                return self._earlier_reservation(session, request.checkout_id, items)
            if len(claimed) != len(lines):
                raise _business_error(
                    RESERVATION_CONFLICT,
                    f"checkout {request.checkout_id} already holds other lines than these",
                )
            stock = {row.item_id: row.stock for row in lock_rows(session, AggregatedStock, ids)}
            if len(stock) != len(ids):
                missing = [i for i in ids if i not in stock]
                raise _business_error(UNKNOWN_ITEM, f"no stock record for {missing}", *missing)
            short = short_lines(lines, stock)
            if short:
                # Raising inside the transaction rolls back the reservation rows too.
                raise _business_error(
                    OUT_OF_STOCK,
                    f"{len(short)} line(s) short of stock",
                    *[s.as_details() for s in short],
                )
            for line in lines:  # already locked in id order; this order is the same
                taken = session.execute(_TAKE_STOCK, {"q": line.quantity, "i": line.item_id})
                if taken.rowcount != 1:
                    raise RuntimeError(f"stock of item {line.item_id} moved under a row lock")
            return ReserveResult(
                request.checkout_id,
                tuple(_priced(line, items[line.item_id]) for line in lines),
            )

    def _earlier_reservation(self, session: Session, checkout_id: str, items) -> ReserveResult:
        rows = session.scalars(
            select(Reservation)
            .where(Reservation.checkout_id == checkout_id)
            .order_by(Reservation.item_id)
        ).all()
        # A retry re-reads prices; they can only differ if a price changed within the
        # seconds between two attempts of one BEGIN.
        return ReserveResult(
            checkout_id,
            tuple(
                _priced(Line(r.item_id, r.quantity), items[r.item_id])
                for r in rows
                if r.item_id in items
            ),
        )

    @activity.defn(name=RELEASE)
    def release(self, request: ReleaseRequest) -> ReleaseResult:
        """Give back what this checkout still holds; a second call finds nothing HELD."""
        with self._sessions.begin() as session:
            held = [
                r
                for r in self._locked_reservations(session, request.checkout_id)
                if r.state is State.HELD
            ]
            for reservation in held:
                reservation.state = State.RELEASED
            back = {r.item_id: r.quantity for r in held}
            for row in lock_rows(session, AggregatedStock, back):
                row.stock += back[row.item_id]
            order_id = session.scalar(
                select(Order.id).where(Order.checkout_id == request.checkout_id)
            )
            return ReleaseResult(
                tuple(Line(r.item_id, r.quantity) for r in sorted(held, key=lambda r: r.item_id)),
                order_id,
            )

    @activity.defn(name=AUTHORIZE_PAYMENT)
    def authorize_payment(self, request: AuthorizeRequest) -> AuthorizeResult:
        key = payment_key(request.checkout_id, request.attempt)
        try:
            auth = self._gateway.authorize(
                key,
                request.amount,
                request.payment.payment_method_id,
                reference=request.checkout_id,
            )
        except PaymentGatewayError as error:
            raise _business_error(PAYMENT_REJECTED, str(error)) from error
        if not auth.approved:
            # The bank's reason (insufficient funds, ...) stays in the gateway's ledger: told
            # to the shopper it would help anyone testing stolen cards.
            code, message = _shopper_decline(auth.decline_code, auth.message)
            raise _business_error(
                PAYMENT_DECLINED,
                message,
                {"code": code, "message": message, "brand": auth.brand, "last4": auth.last4},
            )
        return AuthorizeResult(auth.id, auth.amount, auth.brand, auth.last4)

    @activity.defn(name=SUBMIT_ORDER)
    def submit_order(self, request: SubmitOrderRequest) -> SubmitOrderResult:
        """Capture, then write the order in one transaction: order, lines, reservations CONSUMED, cart emptied."""
        auth = request.authorization
        try:
            # Capture first: an order never exists without money. A repeat returns the
            # first capture, so a worker dying after this line charges nobody twice.
            self._gateway.capture(auth.authorization_id)
        except PaymentGatewayError as error:
            raise _business_error(PAYMENT_REJECTED, str(error)) from error
        total = order_total(request.lines)
        with self._sessions.begin() as session:
            reservations = self._locked_reservations(session, request.checkout_id)
            # Checked after the lock: a duplicate call that waited on it sees our order.
            existing = session.scalar(
                select(Order.id).where(Order.checkout_id == request.checkout_id)
            )
            if existing is not None:
                return SubmitOrderResult(existing, total, created=False)
            held = {r.item_id: r.quantity for r in reservations if r.state is State.HELD}
            if held != {line.item_id: line.quantity for line in request.lines}:
                raise _business_error(
                    RESERVATION_LOST, f"checkout {request.checkout_id} no longer holds its stock"
                )
            for reservation in reservations:
                reservation.state = State.CONSUMED
            ordered_at = from_iso(request.ordered_at)
            session.add(
                Order(
                    id=request.order_id,
                    user_id=request.user_id,
                    checkout_id=request.checkout_id,
                    total=total,
                    ordered_at=ordered_at,
                    arrival_date=estimated_arrival(ordered_at),
                    shipping_address=asdict(request.shipping_address),
                    payment_reference=auth.authorization_id,
                    card_brand=auth.card_brand,
                    card_last4=auth.card_last4,
                    timeline=[
                        {
                            "at": to_iso(ordered_at),
                            "event": "placed",
                            "detail": f"Paid {format_cents(total)} with {auth.card_brand} ending {auth.card_last4}",
                        }
                    ],
                    lines=[
                        OrderLine(
                            item_id=line.item_id,
                            quantity=line.quantity,
                            unit_price=line.unit_price,
                            name=line.name,
                        )
                        for line in request.lines
                    ],
                )
            )
            session.execute(
                delete(CartLine)
                .where(CartLine.cart_id.in_(select(Cart.id).where(Cart.user_id == request.user_id)))
                .where(CartLine.item_id.in_([line.item_id for line in request.lines]))
            )
            return SubmitOrderResult(request.order_id, total, created=True)

    @activity.defn(name=VOID_PAYMENT)
    def void_payment(self, request: VoidPaymentRequest) -> VoidPaymentResult:
        """Compensation: drop the hold, or refund it if it was already captured."""
        try:
            self._gateway.void(request.authorization_id)
            return VoidPaymentResult("VOIDED")
        except ChargeAlreadyCaptured:
            self._gateway.refund(
                refund_key(request.checkout_id), request.authorization_id, request.amount
            )
            return VoidPaymentResult("REFUNDED")

    @activity.defn(name=VOID_UNSETTLED_PAYMENT)
    def void_unsettled_payment(self, request: VoidUnsettledRequest) -> VoidPaymentResult:
        """Compensation for an authorize whose answer was lost: find it by its key, void it."""
        found = self._gateway.find_authorization(payment_key(request.checkout_id, request.attempt))
        if found is None or not found.approved:
            return VoidPaymentResult("NONE")
        return self.void_payment(VoidPaymentRequest(request.checkout_id, found.id, found.amount))

    @staticmethod
    def _locked_reservations(session: Session, checkout_id: str) -> list[Reservation]:
        ids = session.scalars(
            select(Reservation.id).where(Reservation.checkout_id == checkout_id)
        ).all()
        return lock_rows(session, Reservation, ids)


def _priced(line: Line, item) -> PricedLine:
    return PricedLine(line.item_id, line.quantity, item.price, item.name)
