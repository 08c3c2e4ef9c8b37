"""The waiting room in the browser.

    GET  /checkout/waiting/<ticketID>          the waiting page (its owner only)
    GET  /checkout/waiting/<ticketID>/status   the live part alone (fetched on a status change)
    GET  /checkout/waiting/<ticketID>/events   its stream: web/live/tickets.py, beside Flask
    GET  /staff/hot-items                      staff: hot items, their lines, switch off/on
    POST /staff/hot-items                      staff: item_id, enabled=1|0

"Begin checkout" on the cart page sends a shopper whose cart holds a hot item here
(web/checkout/pages.py). While WAITING the status part follows the ticket's stream
(Server-Sent Events through the htmx SSE extension): position and estimated wait change
in place; a status change fetches the part again, and so does a stream that failed,
after FALLBACK_SECONDS (a slow poll only while the stream is down). Once ADMITTED it
posts the cart's "Begin checkout" form by itself (`hx-trigger="load"`), which holds the
stock and moves on to the checkout page; without JavaScript the shopper presses the
same button. SOLD_OUT and EXPIRED say so.
"""

from __future__ import annotations

from flask import Blueprint, Response, request

from db.postgres.waiting_room_items import list_hot
from db.redis.waiting_room import WaitingRoom
from domain.roles import Permission
from web.current_user import current_user, login_required, permission_required
from web.headers import keep_private
from web.rendering import render
from web.services import services
from web.waiting_room import use_cases
from web.waiting_room.adapters import waiting_room_ports
from web.waiting_room.use_cases import WaitingRoomRefused
from web.waiting_room.workflow_client import UnknownItem, switch

bp = Blueprint("waiting_room", __name__)
keep_private(bp)

FALLBACK_SECONDS = 10


@bp.get("/checkout/waiting/<ticket_id>")
@login_required
def show(ticket_id: str) -> Response:
    return _status_page(ticket_id)


@bp.get("/checkout/waiting/<ticket_id>/status")
@login_required
def status(ticket_id: str) -> Response:
    return _status_page(ticket_id)


@bp.get("/staff/hot-items")
@permission_required(Permission.HOT_ITEMS)
def hot_items() -> Response:
    return _staff_page()


@bp.post("/staff/hot-items")
@permission_required(Permission.HOT_ITEMS)
def switch_hot() -> Response:
    raw_id = request.form.get("item_id", "").strip()
    enabled = request.form.get("enabled") == "1"
    if not (raw_id.isascii() and raw_id.isdigit()) or not 1 <= int(raw_id) <= 2**63 - 1:
        return _staff_page(status=422, error="Enter an item number (a positive whole number).")
    s = services()
    user = current_user()
    try:
        outcome = switch(
            s.sessions,
            s.redis,
            s.temporal,
            s.settings,
            int(raw_id),
            enabled,
            by=user.id if user else None,
        )
    except UnknownItem:
        return _staff_page(status=404, error=f"There is no item #{raw_id}.")
    if outcome.hot:
        notice = f"Item #{outcome.item_id} is hot: its shoppers now queue to buy it."
        if not outcome.workflow_running:
            notice += " (Temporal is out of reach: the line opens once its workflow starts.)"
    else:
        notice = f"Item #{outcome.item_id} is no longer hot; {outcome.released} waiting shoppers let through."
    return _staff_page(notice=notice)


def _status_page(ticket_id: str) -> Response:
    user = current_user()
    assert user is not None
    try:
        place = use_cases.status(waiting_room_ports(), user.id, ticket_id)
    except WaitingRoomRefused:
        return render(
            "waiting_room/show.html",
            "waiting_room/partials/status.html",
            status=404,
            place=None,
            fallback_seconds=FALLBACK_SECONDS,
        )
    item = services().items.find(place.ticket.item_id)
    return render(
        "waiting_room/show.html",
        "waiting_room/partials/status.html",
        place=place,
        item_name=item.name if item else f"item #{place.ticket.item_id}",
        fallback_seconds=FALLBACK_SECONDS,
    )


def _staff_page(
    *, status: int = 200, error: str | None = None, notice: str | None = None
) -> Response:
    s = services()
    with s.sessions() as session:
        rows = list_hot(session)
    room = WaitingRoom(s.redis)
    lines = {row.item_id: room.counts(row.item_id) for row in rows}
    return render(
        "waiting_room/staff.html",
        "waiting_room/partials/hot_items.html",
        status=status,
        rows=rows,
        lines=lines,
        error=error,
        notice=notice,
    )
