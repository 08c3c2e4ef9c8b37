"""WaitingRoomWorkflow: the durable admitter of one item's waiting room.

One run per item with a waiting room (`waiting-room-<itemID>`), started when staff switch
the item hot (and again by the first shopper to join if it is not running). Every tick it refills
a token bucket from workflow time and asks one local activity to settle, admit and
sell out in Redis (activities/waiting_room.py); the line itself lives in Redis, so a
worker restart loses nothing and the next worker carries on from the last tick. It
ends when the item is no longer hot, and continues as new every `ticks_per_run` ticks
so its history stays short. Watch it in the Web UI: `last_tick` answers what it saw.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

from temporalio import workflow
from temporalio.common import RetryPolicy

from domain.waiting_room import refill
from workflows.waiting_room_messages import (
    WAITING_ROOM_TICK,
    TickRequest,
    TickResult,
    WaitingRoomInput,
)

_RETRY = RetryPolicy(
    initial_interval=timedelta(milliseconds=200), maximum_interval=timedelta(seconds=5)
)


@workflow.defn(name="WaitingRoom")
class WaitingRoomWorkflow:
    def __init__(self) -> None:
        self._last: TickResult | None = None

    @workflow.query
    def last_tick(self) -> TickResult | None:
        return self._last

    @workflow.run
    async def run(self, room: WaitingRoomInput) -> str:
        tokens = room.tokens
        before = workflow.now()
        for _ in range(room.ticks_per_run):
            now = workflow.now()
            elapsed = (now - before).total_seconds()
            tokens = refill(
                tokens, rate=room.rate_per_second, elapsed_seconds=elapsed, burst=room.burst
            )
            before = now
            result = await workflow.execute_local_activity(
                WAITING_ROOM_TICK,
                TickRequest(room.item_id, int(tokens), room.window_seconds),
                result_type=TickResult,
                start_to_close_timeout=timedelta(seconds=10),
                retry_policy=_RETRY,
            )
            self._last = result
            if not result.hot:
                return f"item {room.item_id} is no longer hot"
            tokens = max(0.0, tokens - result.admitted)
            busy = result.waiting > 0 or result.outstanding_units > 0
            await workflow.sleep(
                timedelta(milliseconds=room.tick_ms if busy else room.idle_tick_ms)
            )
            if workflow.info().is_continue_as_new_suggested():
                break
        workflow.continue_as_new(replace(room, tokens=tokens))
