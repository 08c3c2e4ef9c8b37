"""The waiting room in the JSON API (docs/waiting-room.md).

    GET /api/v1/waiting-room/tickets/<ticketID>
        -> {ticketID, status: WAITING|ADMITTED|SOLD_OUT|EXPIRED, position,
            estimatedWaitSeconds, statusURL, admittedUntil, itemID, quantity}
           the ticket's owner only (anyone else's is a 404, like an unknown one)
    PUT /api/v1/items/<itemID>/hot {"enabled": true|false}     staff only
        -> {itemID, hot, gateWorkflowID, gateRunning, released}
    GET /api/v1/hot-items                                       staff only
        -> {items: [{itemID, name, stock, held, waiting, admitted}]}

A ticket comes from `POST /api/v1/checkout?op=BEGIN` for a cart holding a hot item
(202). No token: 401; a shopper's token on the staff routes: 403.
"""

from __future__ import annotations

from flask import Blueprint, Response

from db.postgres.carts import MAX_ITEM_ID
from db.postgres.waiting_room_items import list_hot
from db.redis.waiting_room import WaitingRoom
from domain.roles import Permission
from web.current_user import api_login_required, current_user, permission_required
from web.errors import BadRequest
from web.headers import keep_private
from web.json_io import api_error, private_json, read_json_object
from web.refusals import api_refusal
from web.services import services
from web.waiting_room import use_cases
from web.waiting_room.adapters import waiting_room_ports
from web.waiting_room.use_cases import WaitingRoomRefused
from web.waiting_room.workflow_client import UnknownItem, switch
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
@permission_required(Permission.HOT_ITEMS)
def put_hot(item_id: str) -> Response:
    number = parse_item_id(item_id)
    payload = read_json_object()
    enabled = payload.get("enabled")
    if type(enabled) is not bool:
        raise BadRequest('Send {"enabled": true} or {"enabled": false}.')
    user = current_user()
    s = services()
    try:
        outcome = switch(
            s.sessions,
            s.redis,
            s.temporal,
            s.settings,
            number,
            enabled,
            by=user.id if user else None,
        )
    except UnknownItem:
        return api_error(404, "unknown_item", f"No item with itemID {number}.")
    return private_json(
        {
            "itemID": outcome.item_id,
            "hot": outcome.hot,
            "gateWorkflowID": outcome.waiting_room_workflow_id,
            "gateRunning": outcome.workflow_running,
            "released": outcome.released,
        }
    )


@bp.get("/hot-items")
@permission_required(Permission.HOT_ITEMS)
def hot_items() -> Response:
    s = services()
    with s.sessions() as session:
        rows = list_hot(session)
    room = WaitingRoom(s.redis)
    items = []
    for row in rows:
        waiting, admitted = room.counts(row.item_id)
        items.append(
            {
                "itemID": row.item_id,
                "name": row.name,
                "stock": row.stock,
                "held": row.held,
                "waiting": waiting,
                "admitted": admitted,
            }
        )
    return private_json({"items": items})


def parse_item_id(raw: str) -> int:
    if not (raw.isascii() and raw.isdigit()) or len(raw) > 19 or not 1 <= int(raw) <= MAX_ITEM_ID:
        raise BadRequest("itemID must be a positive whole number.")
    return int(raw)
