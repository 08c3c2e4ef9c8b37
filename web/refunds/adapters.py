"""Operators' refunds over PostgreSQL (`staff_refunds`) and the payment gateway.

Claim, then call, then record: the claim row (refund_id NULL) is written under the
order's row lock with the amount the cap allows, and counts against the cap at once;
the gateway refund's key is `refund-staff-<claim id>`, so a retry with the same
Idempotency-Key (after a crash, a timeout) completes the same refund, never a second.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from db.postgres.models import StaffRefund
from db.postgres.order_timeline import append_event
from db.postgres.returns import lock_order, refunded_so_far
from domain.money import format_cents
from domain.refusals import Refusal, RefusalKind
from domain.returns import operator_refund
from payments.gateway import PaymentGateway, PaymentGatewayError
from web.refunds.ports import KeyReused, StaffRefundView

STAFF_REFUND_EVENT = "refunded-by-staff"


def gateway_key(claim_id: int) -> str:
    return f"refund-staff-{claim_id}"


class SqlStaffRefunds:
    def __init__(self, sessions: sessionmaker[Session], gateway: PaymentGateway) -> None:
        self._sessions = sessions
        self._gateway = gateway

    def refund(
        self,
        staff_user_id: int,
        order_id: str,
        asked: Mapping[int, int] | None,
        reason: str,
        key: str,
    ) -> StaffRefundView | Refusal | KeyReused | None:
        lines = None if asked is None else sorted([item, n] for item, n in asked.items())
        with self._sessions.begin() as session:
            order = lock_order(session, order_id)
            if order is None:
                return None
            claim = session.scalars(
                select(StaffRefund).where(
                    StaffRefund.order_id == order_id, StaffRefund.idempotency_key == key
                )
            ).one_or_none()
            if claim is not None and (claim.lines, claim.reason) != (lines, reason):
                return KeyReused()
            if claim is None:
                ordered = {line.item_id: (line.quantity, line.unit_price) for line in order.lines}
                amount = operator_refund(
                    asked, ordered, order.total, refunded_so_far(session, order_id)
                )
                if isinstance(amount, Refusal):
                    return amount
                claim = StaffRefund(
                    order_id=order_id,
                    idempotency_key=key,
                    amount=amount,
                    lines=lines,
                    reason=reason,
                    staff_user_id=staff_user_id,
                )
                session.add(claim)
                session.flush()
            view = _view(claim)
            done, reference = claim.refund_id is not None, order.payment_reference
        if done:
            return view
        try:
            refund = self._gateway.refund(gateway_key(view.refund_number), reference, view.amount)
        except PaymentGatewayError as error:
            self._release(view.refund_number)
            return Refusal(
                RefusalKind.REFUND_REFUSED, f"The payment gateway refused the refund: {error}"
            )
        with self._sessions.begin() as session:
            claim = session.get_one(StaffRefund, view.refund_number, with_for_update=True)
            if claim.refund_id is None:
                claim.refund_id = refund.id
                append_event(
                    session,
                    order_id,
                    f"{STAFF_REFUND_EVENT}:{claim.id}",
                    f"{format_cents(claim.amount)} refunded to your card: {reason}",
                    once=True,
                )
        return view

    def _release(self, claim_id: int) -> None:
        """A refund the gateway refused was never made: its claim no longer counts."""
        with self._sessions.begin() as session:
            claim = session.get(StaffRefund, claim_id, with_for_update=True)
            if claim is not None and claim.refund_id is None:
                session.delete(claim)


def _view(claim: StaffRefund) -> StaffRefundView:
    return StaffRefundView(
        refund_number=claim.id,
        order_id=claim.order_id,
        amount=claim.amount,
        lines=tuple((int(item), int(n)) for item, n in (claim.lines or [])),
        reason=claim.reason,
        created_at=claim.created_at.astimezone(UTC) if claim.created_at else None,  # type: ignore[arg-type]
    )
