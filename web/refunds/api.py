"""`POST /api/v1/staff/orders/<orderID>/refunds {lines?: [{itemID, quantity}], reason}`
with an `Idempotency-Key` header (operators and admins, docs/returns.md).

-> 201 {refundNumber, orderID, amount, lines, reason, createdAt}; the same key and body
again: the same refund (201), the money given back once; the same key with another
body: 422. Without lines, everything still refundable. More units than bought, or more
money than captured minus refunded: 409 `refund_too_much`; the gateway refusing: 409
`refund_refused`. An unknown order: 404.
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Response, request

from domain.returns import MAX_REASON_LENGTH, check_reason
from domain.roles import Permission
from web.current_user import current_user_id, permission_required
from web.errors import BadRequest
from web.formatting import utc_iso
from web.headers import keep_private
from web.idempotency import HEADER
from web.json_io import private_json, read_json_object
from web.lines_input import parse_lines
from web.refunds.ports import StaffRefundView
from web.refunds.use_cases import refund_order
from web.refusals import Refused, refused_json
from web.services import services

bp = Blueprint("api_refunds", __name__, url_prefix="/api/v1/staff/orders")
keep_private(bp)
MAX_KEY_LENGTH = 255


@bp.post("/<order_id>/refunds")
@permission_required(Permission.REFUND_ORDERS)
def refund(order_id: str) -> Response:
    key = (request.headers.get(HEADER) or "").strip()
    if not key or len(key) > MAX_KEY_LENGTH:
        raise BadRequest(f"Send an {HEADER} header (1 to {MAX_KEY_LENGTH} characters).")
    payload = read_json_object()
    asked = None if payload.get("lines") is None else parse_lines(payload["lines"])
    reason = check_reason(payload.get("reason"))
    if reason is None:
        raise BadRequest(f"reason is required: at most {MAX_REASON_LENGTH} characters.")
    done = refund_order(services().refunds, current_user_id(), order_id, asked, reason, key)
    if isinstance(done, Refused):
        return refused_json(done)
    return private_json(refund_json(done), 201)


def refund_json(view: StaffRefundView) -> dict[str, Any]:
    return {
        "refundNumber": view.refund_number,
        "orderID": view.order_id,
        "amount": view.amount,
        "lines": [{"itemID": item, "quantity": n} for item, n in view.lines],
        "reason": view.reason,
        "createdAt": utc_iso(view.created_at),
    }
