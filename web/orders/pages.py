"""Order pages: "My orders" (newest first, "Load more" by cursor, a "last 3 months"
filter) and one order (lines, status, parcels per warehouse, timeline; "Thank you"
right after checkout; "Cancel order" until something ships, then "Cancel the parcels
that have not shipped" while some have not).

    GET  /orders[?since=YYYY-MM-DD][&nextCursor=...]   htmx gets just the next rows
    GET  /orders/<orderID>[?placed=1]
    GET  /orders/<orderID>/progress    status, parcels, timeline (what the page polls)
    POST /orders/<orderID>/cancel      through the order's workflow (web/orders/use_cases.py)
    POST /orders/<orderID>/cancel-unshipped   likewise, for the parcels not shipped yet

The progress fragment asks for itself every few seconds while the order can still
change, so a shopper sees parcels ship without reloading. htmx posts of "Cancel order"
get the fragment back with the outcome; without JavaScript the form posts and
redirects (303), or shows the page with the reason. Another shopper's order is a 404,
exactly like a missing one.
"""

from __future__ import annotations

from datetime import UTC, datetime
from urllib.parse import urlencode

from flask import Blueprint, Response, abort, redirect, request, url_for

from domain.refusals import RefusalKind
from web.current_user import current_user_id, login_required
from web.errors import BadRequest
from web.headers import keep_private
from web.limits import abuse_limits
from web.orders.reads import OrderView, months_ago
from web.orders.use_cases import (
    OrderList,
    cancel_order,
    cancel_unshipped,
    list_orders,
    order_detail,
)
from web.refusals import Refused, status_of
from web.rendering import render, wants_fragment
from web.services import services

bp = Blueprint("orders", __name__, url_prefix="/orders")
keep_private(bp)

PAGE_SIZE = 10
STOP_POLLING = 286  # htmx cancels an `every Ns` trigger that gets this status
RECENT_MONTHS = 3


@bp.get("")
@login_required
def index() -> Response:
    since = request.args.get("since") or ""
    page = list_orders(
        services().orders,
        current_user_id(),
        limit=PAGE_SIZE,
        since=since,
        cursor=request.args.get("nextCursor"),
    )
    if isinstance(page, Refused):
        raise BadRequest(page.message)
    return render(
        "orders/index.html",
        "orders/partials/rows.html",
        page=page,
        next_url=_next_url(page, since),
        since=since,
        recent_since=months_ago(datetime.now(UTC).date(), RECENT_MONTHS).isoformat(),
        filtered=bool(since),
    )


@bp.get("/<order_id>")
@login_required
def show(order_id: str) -> Response:
    placed = request.args.get("placed") == "1"
    return render(
        "orders/show.html", "orders/partials/order.html", order=_order(order_id), placed=placed
    )


@bp.get("/<order_id>/progress")
@login_required
def progress(order_id: str) -> Response:
    order = _order(order_id)
    # 286 tells htmx to stop polling: nothing about this order will change any more.
    final = wants_fragment() and not order.keeps_changing
    return _progress(order, status=STOP_POLLING if final else 200)


@bp.post("/<order_id>/cancel")
@login_required
def cancel(order_id: str) -> Response:
    outcome = cancel_order(
        services().orders, services().order_client, abuse_limits(), current_user_id(), order_id
    )
    return _after_cancelling(order_id, outcome)


@bp.post("/<order_id>/cancel-unshipped")
@login_required
def cancel_rest(order_id: str) -> Response:
    outcome = cancel_unshipped(
        services().orders, services().order_client, abuse_limits(), current_user_id(), order_id
    )
    return _after_cancelling(order_id, outcome if isinstance(outcome, Refused) else outcome.order)


def _after_cancelling(order_id: str, outcome: OrderView | Refused) -> Response:
    """The order as it now stands: a refusal said in place beside it, a success a new look
    (htmx: the changing part; without JavaScript: back to the order page)."""
    if isinstance(outcome, Refused):
        if outcome.kind is RefusalKind.NOT_FOUND:
            abort(404, description=outcome.message)
        return _progress(_order(order_id), status=status_of(outcome), notice=outcome.message)
    if not wants_fragment():
        return redirect(url_for("orders.show", order_id=order_id), code=303)
    return _progress(outcome)


def _progress(order: OrderView, *, status: int = 200, notice: str | None = None) -> Response:
    """The changing part of the order for htmx; the whole order page otherwise."""
    return render(
        "orders/show.html",
        "orders/partials/progress.html",
        status=status,
        order=order,
        notice=notice,
    )


def _order(order_id: str) -> OrderView:
    order = order_detail(services().orders, current_user_id(), order_id)
    if isinstance(order, Refused):
        abort(404, description=order.message)
    return order


def _next_url(page: OrderList, since: str) -> str | None:
    if page.next_cursor is None:
        return None
    args = {"since": since} if since else {}
    return url_for("orders.index") + "?" + urlencode({**args, "nextCursor": page.next_cursor})
