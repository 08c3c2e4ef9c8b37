"""WaitingRoomWorkflow's one activity: settle, then admit or sell out, for one item's waiting room.

Order matters (db/redis/waiting_room.py): lapsed and begun admissions are settled in Redis
*before* the stock is read from PostgreSQL, so every admitted unit is counted either
as outstanding or as held. A Redis lock keeps two attempts (a retry racing a slow
one) from admitting side by side.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from contextlib import suppress

import redis
from sqlalchemy.orm import Session, sessionmaker
from temporalio import activity

from db.postgres.waiting_room_items import is_hot, units_left_and_held
from db.redis.waiting_room import WaitingRoom
from db.redis.waiting_room_keys import item_keys
from domain.waiting_room import admission, sold_out
from workflows.waiting_room_messages import WAITING_ROOM_TICK, TickRequest, TickResult

LOCK_SECONDS = 10


def now_ms() -> int:
    return int(time.time() * 1000)


class WaitingRoomActivities:
    def __init__(self, sessions: sessionmaker[Session], client: redis.Redis) -> None:
        self._sessions = sessions
        self._redis = client
        self._room = WaitingRoom(client)

    def activities(self) -> list[Callable]:
        return [self.tick]

    @activity.defn(name=WAITING_ROOM_TICK)
    def tick(self, request: TickRequest) -> TickResult:
        item_id = request.item_id
        window_ms = request.window_seconds * 1000
        lock = self._redis.lock(item_keys(item_id).lock, timeout=LOCK_SECONDS, blocking=False)
        if not lock.acquire():
            return TickResult(hot=True, waiting=1)  # another attempt is admitting right now
        try:
            with self._sessions() as session:
                hot = is_hot(session, item_id)
            if not hot:
                self._room.release_all(item_id, now_ms(), window_ms)
                return TickResult(hot=False)
            expired, outstanding = self._room.settle(item_id, now_ms())
            with self._sessions() as session:
                units_left, held = units_left_and_held(session, item_id)
            admitted: list[str] = []
            told = 0
            over = sold_out(units_left, held)
            if over:
                told = self._room.sell_out(item_id)
            else:
                self._room.back_in_stock(item_id)
                allowed = admission(units_left, outstanding, request.max_tickets)
                admitted = self._room.admit(
                    item_id,
                    tickets=allowed.tickets,
                    units=allowed.units,
                    now_ms=now_ms(),
                    window_ms=window_ms,
                )
            waiting, _ = self._room.counts(item_id)
            _, outstanding_after = self._room.settle(item_id, -1)  # -1: settles nothing, counts
            return TickResult(
                hot=True,
                admitted=len(admitted),
                expired=expired,
                sold_out_told=told,
                waiting=waiting,
                outstanding_units=outstanding_after,
                units_left=units_left,
                held=held,
                sold_out=over,
            )
        finally:
            # A lock that timed out (a very slow tick): the next tick takes it afresh.
            with suppress(redis.exceptions.LockError):
                lock.release()
