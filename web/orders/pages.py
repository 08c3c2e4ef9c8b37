"""Order pages: "My orders" (newest first, "Load more" by cursor, a "last 3 months"
filter) and one order (lines, status, parcels per warehouse, timeline; "Thank you"
right after checkout; "Cancel order" until something ships).

    GET  /orders[?since=YYYY-MM-DD][&nextCursor=...]   htmx gets just the next rows
    GET  /orders/<orderID>[?placed=1]
    GET  /orders/<orderID>/progress    status, parcels, timeline (what the page polls)
    POST /orders/<orderID>/cancel      through the order's workflow (web/orders/cancelling.py)

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
from werkzeug.exceptions import ServiceUnavailable

from web.current_user import current_user_id, login_required
from web.headers import keep_private
from web.orders.cancelling import cancel_order
from web.orders.errors import OrderCancelRefused
from web.orders.reads import (
    OrdersPage,
    OrderView,
    decode_cursor,
    find_order,
    list_orders,
    months_ago,
    parse_since,
)
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
    since_arg = request.args.get("since") or ""
    since = parse_since(since_arg)
    cursor = request.args.get("nextCursor")
    after = decode_cursor(cursor) if cursor else None
    with services().sessions() as session:
        page = list_orders(session, current_user_id(), limit=PAGE_SIZE, after=after, since=since)
    recent = months_ago(datetime.now(UTC).date(), RECENT_MONTHS).isoformat()
    return render(
        "orders/index.html",
        "orders/partials/rows.html",
        page=page,
        next_url=_next_url(page, since_arg),
        since=since_arg,
        recent_since=recent,
        filtered=bool(since_arg),
    )


@bp.get("/<order_id>")
@login_required
def show(order_id: str) -> Response:
    return render(
        "orders/show.html",
        "orders/partials/order.html",
        order=_order(order_id),
        placed=request.args.get("placed") == "1",
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
    try:
        order = cancel_order(current_user_id(), order_id)
    except OrderCancelRefused as refused:
        return _progress(_order(order_id), status=409, notice=refused.message)
    except ServiceUnavailable as unavailable:  # Temporal down or slow: say so in place
        return _progress(_order(order_id), status=503, notice=unavailable.description)
    if not wants_fragment():
        return redirect(url_for("orders.show", order_id=order_id), code=303)
    return _progress(order)


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
    with services().sessions() as session:
        order = find_order(session, current_user_id(), order_id)
    if order is None:
        abort(404, description="We couldn't find that order in your orders.")
    return order


def _next_url(page: OrdersPage, since: str) -> str | None:
    if page.next_cursor is None:
        return None
    args = {"since": since} if since else {}
    return url_for("orders.index") + "?" + urlencode({**args, "nextCursor": page.next_cursor})
