"""The waiting room in the browser.

    GET  /checkout/waiting/<ticketID>          the waiting page (its owner only)
    GET  /checkout/waiting/<ticketID>/status   the live part alone (fetched on a status change)
    GET  /checkout/waiting/<ticketID>/events   its stream: web/live/tickets.py, beside Flask
    GET  /staff/waiting-rooms                  staff: the waiting rooms, their lines, switch off/on
    POST /staff/waiting-rooms                  staff: item_id, enabled=1|0

"Begin checkout" on the cart page sends a shopper whose cart holds an item with a waiting room here
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

from domain.refusals import RefusalKind
from domain.roles import Permission
from web.current_user import current_user, login_required, permission_required
from web.headers import keep_private
from web.refusals import Refused, status_of
from web.rendering import render
from web.services import services
from web.waiting_room import staff, use_cases
from web.waiting_room.adapters import staff_waiting_rooms, waiting_room_ports
from web.waiting_room.use_cases import WaitingRoomRefused

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


@bp.get("/staff/waiting-rooms")
@permission_required(Permission.WAITING_ROOMS)
def waiting_rooms() -> Response:
    return _staff_page()


@bp.post("/staff/waiting-rooms")
@permission_required(Permission.WAITING_ROOMS)
def switch_hot() -> Response:
    user = current_user()
    enabled = request.form.get("enabled") == "1"
    raw_id = request.form.get("item_id", "")
    switched = staff.switch_hot(
        staff_waiting_rooms(), raw_id, enabled, by=user.id if user else None
    )
    if isinstance(switched, Refused):  # a form that names no item cannot be processed: 422
        status = 422 if switched.kind is RefusalKind.BAD_REQUEST else status_of(switched)
        return _staff_page(status=status, error=switched.message)
    return _staff_page(notice=staff.notice(switched))


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
    return render(
        "waiting_room/staff.html",
        "waiting_room/partials/waiting_rooms.html",
        status=status,
        rows=staff.waiting_rooms(staff_waiting_rooms()),
        error=error,
        notice=notice,
    )
