"""Order pages: "My orders" (newest first, "Load more" by cursor, a "last 3 months"
filter) and one order (lines, status; "Thank you" right after checkout).

    GET /orders[?since=YYYY-MM-DD][&nextCursor=...]   htmx gets just the next rows
    GET /orders/<orderID>[?placed=1]

Another shopper's order is a 404, exactly like a missing one.
"""

from __future__ import annotations

from datetime import UTC, datetime
from urllib.parse import urlencode

from flask import Blueprint, Response, abort, request, url_for

from web.auth import current_user, login_required
from web.headers import keep_private
from web.orders.reads import (
    OrdersPage,
    decode_cursor,
    find_order,
    list_orders,
    months_ago,
    parse_since,
)
from web.rendering import render
from web.services import services

bp = Blueprint("orders", __name__, url_prefix="/orders")
keep_private(bp)

PAGE_SIZE = 10
RECENT_MONTHS = 3


@bp.get("")
@login_required
def index() -> Response:
    since_arg = request.args.get("since") or ""
    since = parse_since(since_arg)
    cursor = request.args.get("nextCursor")
    after = decode_cursor(cursor) if cursor else None
    with services().sessions() as session:
        page = list_orders(session, _user_id(), limit=PAGE_SIZE, after=after, since=since)
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
    with services().sessions() as session:
        order = find_order(session, _user_id(), order_id)
    if order is None:
        abort(404, description="We couldn't find that order in your orders.")
    return render(
        "orders/show.html",
        "orders/partials/order.html",
        order=order,
        placed=request.args.get("placed") == "1",
    )


def _next_url(page: OrdersPage, since: str) -> str | None:
    if page.next_cursor is None:
        return None
    args = {"since": since} if since else {}
    return url_for("orders.index") + "?" + urlencode({**args, "nextCursor": page.next_cursor})


def _user_id() -> int:
    user = current_user()
    assert user is not None  # behind @login_required
    return user.id
