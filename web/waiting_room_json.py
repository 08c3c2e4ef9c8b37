"""A waiting-room ticket in the API's shape."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from flask import url_for

if TYPE_CHECKING:  # the annotation only: this module is shared, the feature is not
    from web.waiting_room.use_cases import Place

# The ticket's live stream (web/live/tickets.py, served beside Flask): not a Flask route.
EVENTS_URL = "/api/v1/waiting-room/tickets/{ticket_id}/events"


def admitted_until(status: str, admitted_until_ms: int | None) -> str | None:
    """The end of an admission's window as an ISO instant, only while ADMITTED."""
    if status != "ADMITTED" or admitted_until_ms is None:
        return None
    instant = datetime.fromtimestamp(admitted_until_ms / 1000, UTC)
    return instant.isoformat(timespec="milliseconds").replace("+00:00", "Z")


def place_json(place: Place) -> dict[str, Any]:
    ticket = place.ticket
    return {
        "ticketID": ticket.ticket_id,
        "status": place.status.value,
        "position": place.position,
        "estimatedWaitSeconds": place.estimated_wait_seconds,
        "statusURL": url_for("api_waiting_room.ticket_status", ticket_id=ticket.ticket_id),
        "eventsURL": EVENTS_URL.format(ticket_id=ticket.ticket_id),
        "admittedUntil": admitted_until(place.status.value, ticket.admitted_until_ms),
        "itemID": ticket.item_id,
        "quantity": ticket.quantity,
    }
