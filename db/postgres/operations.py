"""What an operator's metrics read straight from the shared stores (web/metrics.py).

Each read is one cheap statement: they run on every scrape of /metrics.
"""

from __future__ import annotations

import redis
from sqlalchemy import Engine, select, text
from sqlalchemy.orm import Session, sessionmaker

from db.postgres.models import WaitingRoomItem
from db.redis.waiting_room import WaitingRoom

# The outbox is read in id order by the relay, so its head is the oldest change.
_RELAY_HEAD = text(
    "SELECT coalesce(extract(epoch FROM clock_timestamp() - "
    "(SELECT created_at FROM stock_events ORDER BY id LIMIT 1)), 0), "
    "(SELECT count(*) FROM stock_events)"
)


def stock_relay_lag(engine: Engine) -> tuple[float, int]:
    """(seconds the oldest unpublished stock change has waited, changes waiting)."""
    with engine.connect() as conn:
        lag, backlog = conn.execute(_RELAY_HEAD).one()
    return max(float(lag), 0.0), int(backlog)


def waiting_room_depths(sessions: sessionmaker[Session], client: redis.Redis) -> dict[int, int]:
    """Shoppers waiting in line, in every waiting room."""
    with sessions() as session:
        hot = session.scalars(
            select(WaitingRoomItem.item_id).order_by(WaitingRoomItem.item_id)
        ).all()
    room = WaitingRoom(client)
    return {item_id: room.counts(item_id)[0] for item_id in hot}
