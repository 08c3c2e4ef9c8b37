"""The order desk's refund form (operators and admins): posted from /staff/orders/<orderID>.

    POST /staff/orders/<orderID>/refund   qty-<itemID> fields (none: all that is left), reason

The same use case as the API (web/refunds/use_cases.py). A plain form has no
Idempotency-Key header: its key is the digest of the order, the lines and the reason, so
a double submit is one refund (an identical second refund needs another reason). Done:
303 back to the order desk's page; refused: a page saying why, with its status.
"""

from __future__ import annotations

import hashlib
import re

from flask import Blueprint, Response, abort, redirect, request, url_for

from domain.refusals import RefusalKind
from domain.returns import MAX_REASON_LENGTH, check_reason
from domain.roles import Permission
from web.current_user import current_user_id, permission_required
from web.errors import BadRequest
from web.headers import keep_private
from web.refunds.use_cases import refund_order
from web.refusals import Refused, status_of
from web.rendering import render
from web.services import services

bp = Blueprint("refunds", __name__, url_prefix="/staff/orders")
keep_private(bp)
_DIGITS = re.compile(r"^[0-9]{1,12}$")


@bp.post("/<order_id>/refund")
@permission_required(Permission.REFUND_ORDERS)
def refund(order_id: str) -> Response:
    asked = _lines(request.form)
    reason = check_reason(request.form.get("reason"))
    if reason is None:
        raise BadRequest(f"A reason is required (at most {MAX_REASON_LENGTH} characters).")
    key = form_key(order_id, asked, reason)
    done = refund_order(services().refunds, current_user_id(), order_id, asked, reason, key)
    if isinstance(done, Refused) and done.kind is RefusalKind.KEY_REUSED:
        # The page's key is a digest of the form: a clash never happens in practice.
        raise BadRequest("This refund could not be told apart from an earlier one.")
    if isinstance(done, Refused):
        if status_of(done) == 404:
            abort(404, description=done.message)
        return render(
            "refunds/refused.html", "refunds/refused.html", status=status_of(done),
            order_id=order_id, message=done.message,
        )  # fmt: skip
    return redirect(url_for("staff_orders.show", order_id=order_id), code=303)


def _lines(form) -> dict[int, int] | None:
    """`qty-<itemID>` fields, 0 or empty left out; none at all: everything that is left."""
    asked = {}
    for name, value in form.items():
        if name.startswith("qty-") and value.strip() not in ("", "0"):
            item, quantity = name.removeprefix("qty-"), value.strip()
            if not (_DIGITS.match(item) and _DIGITS.match(quantity)):
                raise BadRequest("Quantities must be whole numbers.")
            asked[int(item)] = int(quantity)
    return asked or None


def form_key(order_id: str, asked: dict[int, int] | None, reason: str) -> str:
    body = f"{order_id}|{sorted((asked or {}).items())}|{reason}"
    return "form-" + hashlib.sha256(body.encode()).hexdigest()[:40]
