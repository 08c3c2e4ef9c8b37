"""The timeline an order page shows: events appended to `orders.timeline` (JSONB)."""

from __future__ import annotations

import json
from datetime import UTC, datetime

from sqlalchemy import text
from sqlalchemy.orm import Session

from domain.checkout import to_iso


def append_event(
    session: Session, order_id: str, event: str, detail: str, *, once: bool = False
) -> None:
    """Add one event, stamped now, inside the caller's transaction.

    `once`: skip it when the timeline already has an event of that name, so a retried
    step whose earlier attempt committed does not tell the shopper twice.
    """
    entry = [{"at": to_iso(datetime.now(UTC)), "event": event, "detail": detail}]
    only_once = " AND NOT timeline @> CAST(:probe AS jsonb)" if once else ""
    session.execute(
        text(
            "UPDATE orders SET timeline = timeline || CAST(:entry AS jsonb) WHERE id = :o"
            + only_once
        ),
        {"entry": json.dumps(entry), "o": order_id, "probe": json.dumps([{"event": event}])},
    )
