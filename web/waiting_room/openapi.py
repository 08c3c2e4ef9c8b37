"""The waiting room (an item's line before checkout; web/waiting_room/api.py; docs/waiting-room.md)."""

from __future__ import annotations

from web.openapi_components import (
    BEARER,
    ID_INT,
    ISO_INSTANT,
    errors,
    json_body,
    nullable,
    obj,
    path_param,
    ref,
)

SCHEMAS = {
    "WaitingTicket": obj(
        {
            "ticketID": {"type": "string", "examples": ["812-6aedec41b989475ab688b101725c3e10"]},
            "status": {"type": "string", "enum": ["WAITING", "ADMITTED", "SOLD_OUT", "EXPIRED"]},
            "position": nullable({"type": "integer", "minimum": 1}),
            "estimatedWaitSeconds": {"type": "integer", "minimum": 0},
            "statusURL": {"type": "string"},
            "eventsURL": {
                "type": "string",
                "description": "The ticket's live stream (Server-Sent Events): follow it "
                "instead of polling statusURL.",
            },
            "admittedUntil": nullable(ISO_INSTANT),
            "itemID": ID_INT,
            "quantity": {"type": "integer", "minimum": 1},
        },
        description="A place in a waiting room's line. `position` (1 = next) while WAITING; "
        "`admittedUntil` while ADMITTED: BEGIN again before it to hold the stock.",
    ),
    "WaitingRoomSwitch": obj(
        {
            "itemID": ID_INT,
            "hot": {"type": "boolean"},
            "waitingRoomWorkflowID": {"type": "string"},
            "waitingRoomRunning": {"type": "boolean"},
            "released": {"type": "integer", "minimum": 0},
        }
    ),
    "WaitingRoom": obj(
        {
            "itemID": ID_INT,
            "name": {"type": "string"},
            "stock": {"type": "integer"},
            "held": {"type": "integer"},
            "waiting": {"type": "integer"},
            "admitted": {"type": "integer"},
        }
    ),
}

STAFF = "An operator's or admin's bearer token (a shopper's or warehouse worker's is a 403)."

PATHS = {
    "/api/v1/waiting-room/tickets/{ticketID}": {
        "get": {
            "operationId": "getWaitingTicket",
            "tags": ["checkout"],
            "summary": "Where a waiting-room ticket stands (the statusURL of BEGIN's 202)",
            "security": BEARER,
            "parameters": [path_param("ticketID", {"type": "string"}, "From BEGIN's 202 answer.")],
            "responses": {
                "200": {"description": "The ticket.", **json_body(ref("WaitingTicket"))},
                **errors(401, 404, _404="No such ticket for this shopper."),
            },
        }
    },
    "/api/v1/waiting-room/tickets/{ticketID}/events": {
        "get": {
            "operationId": "streamWaitingTicket",
            "tags": ["checkout"],
            "summary": "Where a waiting-room ticket stands, live (Server-Sent Events)",
            "description": "The eventsURL of BEGIN's 202, served beside Flask on the same "
            "origin (web/live/tickets.py, docs/waiting-room.md). Every event has an `id:` "
            "(growing per stream) and `data: {ticketID, status, position, "
            "estimatedWaitSeconds, admittedUntil, itemID}`; the first is where the ticket "
            "stands now, then one whenever its status, position or estimated wait changes "
            "(an admission ahead, a sell-out: WAITING tickets are told SOLD_OUT within "
            "moments). After SOLD_OUT or EXPIRED nothing changes: close the stream. A "
            "comment line at least every 15 s (`SSE_HEARTBEAT_SECONDS`) keeps proxies "
            "open. The ticket's owner only: anyone else's ticket is a 404, as on statusURL.",
            "security": BEARER,
            "parameters": [path_param("ticketID", {"type": "string"}, "From BEGIN's 202 answer.")],
            "responses": {
                "200": {
                    "description": "An endless `text/event-stream` (`Cache-Control: no-store`).",
                    "content": {"text/event-stream": {"schema": {"type": "string"}}},
                },
                **errors(401, 404, _404="No such ticket for this shopper."),
            },
        }
    },
    "/api/v1/items/{itemID}/hot": {
        "put": {
            "operationId": "setItemHot",
            "tags": ["items"],
            "summary": "Switch an item into waiting-room mode or back",
            "description": STAFF + " Switching off lets everyone waiting through.",
            "security": BEARER,
            "parameters": [path_param("itemID", {"type": "string"}, "The item's id.")],
            "requestBody": {
                "required": True,
                **json_body(obj({"enabled": {"type": "boolean"}})),
            },
            "responses": {
                "200": {
                    "description": "The item's mode now.",
                    **json_body(ref("WaitingRoomSwitch")),
                },
                **errors(400, 401, 403, 404, _404="No such item."),
            },
        }
    },
    "/api/v1/waiting-rooms": {
        "get": {
            "operationId": "listWaitingRooms",
            "tags": ["items"],
            "summary": "The waiting rooms: their items, stock, holds and lines",
            "description": STAFF,
            "security": BEARER,
            "responses": {
                "200": {
                    "description": "The items with a waiting room.",
                    **json_body(obj({"items": {"type": "array", "items": ref("WaitingRoom")}})),
                },
                **errors(401, 403),
            },
        }
    },
}
