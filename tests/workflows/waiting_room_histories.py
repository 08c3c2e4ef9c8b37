"""The waiting room workflow against a fake line, and its recorded histories:
histories/waiting_room/<path>.json.

Recorded by `make histories` (tests/workflows/record.py): a waiting room that paced
admissions and continued as new (both runs kept: the second starts with the tokens the first
carried over), and a waiting room whose item was no longer hot at its first tick.
"""

from __future__ import annotations

import threading
import uuid
from concurrent.futures import ThreadPoolExecutor
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from pathlib import Path

from temporalio import activity
from temporalio.client import Client, WorkflowHandle
from temporalio.worker import Worker

from tests.workflows.environment import run_histories, unique_task_queue, workflow_server
from workflows.waiting_room import WaitingRoomWorkflow
from workflows.waiting_room_messages import (
    WAITING_ROOM_TICK,
    TickRequest,
    TickResult,
    WaitingRoomInput,
)

WORKFLOW = "waiting_room"
DIRECTORIES = (WORKFLOW,)


@dataclass
class FakeLine:
    """A waiting room's line without Redis or PostgreSQL: `waiting` shoppers, `units` left."""

    waiting: int
    units: int
    hot_for_ticks: int
    asked: list[int] = field(default_factory=list)
    admitted: list[int] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    @activity.defn(name=WAITING_ROOM_TICK)
    def tick(self, request: TickRequest) -> TickResult:
        with self.lock:
            if len(self.asked) >= self.hot_for_ticks:
                return TickResult(hot=False)
            self.asked.append(request.max_tickets)
            admit = min(request.max_tickets, self.waiting, self.units)
            self.waiting -= admit
            self.units -= admit
            self.admitted.append(admit)
            return TickResult(
                hot=True,
                admitted=admit,
                waiting=self.waiting,
                units_left=self.units,
                sold_out=self.units == 0,
            )


@asynccontextmanager
async def waiting_room_world(line: FakeLine):
    """A worker for the waiting room workflow on a task queue of its own: the session's
    server, or one of its own outside the session's loop."""
    task_queue = unique_task_queue("waiting-room-test")
    async with workflow_server() as env:
        with ThreadPoolExecutor(max_workers=2) as executor:
            async with Worker(
                env.client,
                task_queue=task_queue,
                workflows=[WaitingRoomWorkflow],
                activities=[line.tick],
                activity_executor=executor,
            ):
                yield WaitingRoomWorld(env.client, task_queue)


@dataclass(frozen=True)
class WaitingRoomWorld:
    client: Client
    task_queue: str


async def start(world: WaitingRoomWorld, room: WaitingRoomInput) -> WorkflowHandle:
    return await world.client.start_workflow(
        WaitingRoomWorkflow.run,
        room,
        id=f"waiting-room-test-{uuid.uuid4().hex[:8]}",
        task_queue=world.task_queue,
    )


ROOM = WaitingRoomInput(
    item_id=1, rate_per_second=4, burst=4, window_seconds=60, tick_ms=250, ticks_per_run=5
)
SCENARIOS = {
    "paced_then_continued": FakeLine(waiting=30, units=10, hot_for_ticks=8),
    "not_hot_at_first_tick": FakeLine(waiting=0, units=10, hot_for_ticks=0),
}


async def record(name: str, directory: Path) -> list[Path]:
    async with waiting_room_world(SCENARIOS[name]) as world:
        handle = await start(world, ROOM)
        await handle.result()
        runs = await run_histories(world.client, handle)
    written = []
    for number, history in enumerate(runs, start=1):
        suffix = f"-run{number}" if len(runs) > 1 else ""
        path = directory / WORKFLOW / f"{name}{suffix}.json"
        path.write_text(history.to_json())
        written.append(path)
    return written
