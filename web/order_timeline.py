"""An order's timeline as people read it: the shopper's order page and the staff order desk.

`orders.timeline` is JSONB written by several activities (db/postgres/order_timeline.py):
`[{at, event, detail}]`, oldest first. The API passes it on as it is; the order page
shows each event with a plain label and its time. An entry this page does not know
is still shown (its event name capitalised), and a malformed one is skipped rather
than breaking the page.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime

LABELS = {
    "placed": "Order placed",
    "assigned": "Sent to a warehouse",
    "suborder shipped": "Parcel shipped",
    "suborder delivered": "Parcel delivered",
    "suborder cancelled": "Parcel stopped",
    "shipped": "Shipped",
    "delivered": "Delivered",
    "cancelled": "Cancelled",
    "refunded": "Refunded",
    "partly cancelled": "Parcels cancelled",
    "partly refunded": "Refunded",
}


@dataclass(frozen=True)
class TimelineEntry:
    at: datetime | None
    event: str
    label: str
    detail: str


def timeline_entries(raw: Iterable[object]) -> tuple[TimelineEntry, ...]:
    entries = []
    for entry in raw:
        if not isinstance(entry, dict) or not isinstance(entry.get("event"), str):
            continue
        event = entry["event"]
        detail = entry.get("detail")
        entries.append(
            TimelineEntry(
                at=_instant(entry.get("at")),
                event=event,
                label=LABELS.get(event, event.capitalize()),
                detail=detail if isinstance(detail, str) else "",
            )
        )
    return tuple(entries)


def last_time_of(entries: Iterable[TimelineEntry], event: str) -> datetime | None:
    times = [entry.at for entry in entries if entry.event == event and entry.at]
    return max(times, default=None)


def _instant(raw: object) -> datetime | None:
    if not isinstance(raw, str):
        return None
    try:
        instant = datetime.fromisoformat(raw.replace("Z", "+00:00"))
    except ValueError:
        return None
    return instant.astimezone(UTC) if instant.tzinfo else instant.replace(tzinfo=UTC)
