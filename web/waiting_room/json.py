"""A waiting-room ticket in the API's shape."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from flask import url_for

from web.waiting_room.gate import Place


def place_json(place: Place) -> dict[str, Any]:
    ticket = place.ticket
    until = None
    if place.status == "ADMITTED" and ticket.admitted_until_ms is not None:
        instant = datetime.fromtimestamp(ticket.admitted_until_ms / 1000, UTC)
        until = instant.isoformat(timespec="milliseconds").replace("+00:00", "Z")
    return {
        "ticketID": ticket.ticket_id,
        "status": place.status.value,
        "position": place.position,
        "estimatedWaitSeconds": place.estimated_wait_seconds,
        "statusURL": url_for("api_waiting_room.ticket_status", ticket_id=ticket.ticket_id),
        "admittedUntil": until,
        "itemID": ticket.item_id,
        "quantity": ticket.quantity,
    }
