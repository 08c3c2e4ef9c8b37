"""The timeline an order page shows: events appended to `orders.timeline` (JSONB)."""

from __future__ import annotations

import json
from datetime import UTC, datetime

from sqlalchemy import text
from sqlalchemy.orm import Session

from domain.checkout import to_iso


def append_event(session: Session, order_id: str, event: str, detail: str) -> None:
    """Add one event, stamped now, inside the caller's transaction."""
    entry = [{"at": to_iso(datetime.now(UTC)), "event": event, "detail": detail}]
    session.execute(
        text("UPDATE orders SET timeline = timeline || CAST(:entry AS jsonb) WHERE id = :o"),
        {"entry": json.dumps(entry), "o": order_id},
    )
