"""The order desk in the browser (operators and admins): /staff/orders.

    GET  /staff/orders[?q=EMAIL-OR-ORDER-NUMBER][&nextCursor=...]   the search box, results
    GET  /staff/orders/<orderID>                                    one order, whole
    POST /staff/orders/<orderID>/cancel  (reason)                   303 back to the order

Plain forms (no JavaScript needed). A refusal is shown on the order page with its
status; a shopper or a warehouse worker gets 403 (docs/security.md, "Roles").
"""

from __future__ import annotations

from urllib.parse import urlencode

from flask import Blueprint, Response, abort, redirect, request, url_for

from domain.refusals import RefusalKind
from domain.roles import Permission
from web.current_user import current_user_id, permission_required
from web.errors import BadRequest
from web.headers import keep_private
from web.refusals import Refused, status_of
from web.rendering import render
from web.services import services
from web.staff_orders.use_cases import (
    MAX_REASON,
    Lookup,
    cancel_as_staff,
    look_up_typed,
    staff_order,
)

bp = Blueprint("staff_orders", __name__, url_prefix="/staff/orders")
keep_private(bp)
order_desk = permission_required(Permission.ORDER_DESK)

PAGE_SIZE = 20


@bp.get("")
@order_desk
def index() -> Response:
    query = (request.args.get("q") or "").strip()
    found = None
    if query:
        found = look_up_typed(
            services().staff_orders, query, cursor=request.args.get("nextCursor"), limit=PAGE_SIZE
        )
        if isinstance(found, Refused):
            raise BadRequest(found.message)
    return render(
        "staff_orders/index.html", "staff_orders/index.html",
        query=query, found=found, next_url=_next_url(query, found),
    )  # fmt: skip


def _next_url(query: str, found: Lookup | None) -> str | None:
    """The link to the next page of an email's orders (an order number has one page)."""
    if found is None or not found.next_cursor:
        return None
    pairs = {"q": query, "nextCursor": found.next_cursor}
    return f"{url_for('staff_orders.index')}?{urlencode(pairs)}"


@bp.get("/<order_id>")
@order_desk
def show(order_id: str) -> Response:
    return _order_page(order_id)


@bp.post("/<order_id>/cancel")
@order_desk
def cancel(order_id: str) -> Response:
    reason = request.form.get("reason", "")
    outcome = cancel_as_staff(
        services().staff_orders, services().staff_cancel, order_id, reason,
        staff_id=current_user_id(),
    )  # fmt: skip
    if isinstance(outcome, Refused):
        if outcome.kind is RefusalKind.NOT_FOUND:
            abort(404, description=outcome.message)
        return _order_page(
            order_id, status=status_of(outcome), notice=outcome.message, reason=reason
        )
    return redirect(url_for("staff_orders.show", order_id=order_id, cancelled=1), code=303)


def _order_page(order_id: str, *, status: int = 200, **context) -> Response:
    order = staff_order(services().staff_orders, order_id)
    if isinstance(order, Refused):
        abort(404, description=order.message)
    return render(
        "staff_orders/show.html", "staff_orders/show.html", status=status, order=order,
        max_reason=MAX_REASON, cancelled=request.args.get("cancelled") == "1", **context,
    )  # fmt: skip
