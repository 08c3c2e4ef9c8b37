"""The waiting room in the JSON API (docs/waiting-room.md).

    GET /api/v1/waiting-room/tickets/<ticketID>
        -> {ticketID, status: WAITING|ADMITTED|SOLD_OUT|EXPIRED, position,
            estimatedWaitSeconds, statusURL, admittedUntil, itemID, quantity}
           the ticket's owner only (anyone else's is a 404, like an unknown one)
    PUT /api/v1/items/<itemID>/hot {"enabled": true|false}     staff only
        -> {itemID, hot, waitingRoomWorkflowID, waitingRoomRunning, released}
    GET /api/v1/waiting-rooms                                       staff only
        -> {items: [{itemID, name, stock, held, waiting, admitted}]}

A ticket comes from `POST /api/v1/checkout?op=BEGIN` for a cart holding an item with a waiting room
(202). No token: 401; a shopper's token on the staff routes: 403.
"""

from __future__ import annotations

from flask import Blueprint, Response

from domain.roles import Permission
from web.current_user import api_login_required, current_user, permission_required
from web.headers import keep_private
from web.json_io import private_json, read_json_object
from web.refusals import Refused, api_refusal, refused_json
from web.waiting_room import staff, use_cases
from web.waiting_room.adapters import staff_waiting_rooms, waiting_room_ports
from web.waiting_room.use_cases import WaitingRoomRefused
from web.waiting_room_json import place_json

bp = Blueprint("api_waiting_room", __name__, url_prefix="/api/v1")
keep_private(bp)


@bp.get("/waiting-room/tickets/<ticket_id>")
@api_login_required
def ticket_status(ticket_id: str) -> Response:
    user = current_user()
    assert user is not None
    try:
        place = use_cases.status(waiting_room_ports(), user.id, ticket_id)
    except WaitingRoomRefused as refused:
        return api_refusal(refused.refusal)
    return private_json(place_json(place))


@bp.put("/items/<item_id>/hot")
@permission_required(Permission.WAITING_ROOMS)
def put_hot(item_id: str) -> Response:
    user = current_user()
    enabled = read_json_object().get("enabled")
    switched = staff.switch_hot(
        staff_waiting_rooms(), item_id, enabled, by=user.id if user else None
    )
    if isinstance(switched, Refused):
        return refused_json(switched)
    return private_json(
        {
            "itemID": switched.item_id,
            "hot": switched.hot,
            "waitingRoomWorkflowID": switched.waiting_room_workflow_id,
            "waitingRoomRunning": switched.workflow_running,
            "released": switched.released,
        }
    )


@bp.get("/waiting-rooms")
@permission_required(Permission.WAITING_ROOMS)
def waiting_rooms() -> Response:
    lines = staff.waiting_rooms(staff_waiting_rooms())
    return private_json(
        {
            "items": [
                {
                    "itemID": line.item_id,
                    "name": line.name,
                    "stock": line.stock,
                    "held": line.held,
                    "waiting": line.waiting,
                    "admitted": line.admitted,
                }
                for line in lines
            ]
        }
    )
