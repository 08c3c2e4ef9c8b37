"""WaitingRoomWorkflow against a fake line, and its recorded history.

    .venv/bin/python -m tests.workflows.waiting_room_histories

records tests/workflows/histories/waiting_room_paced_then_continued.json (the first
run of a gate that paced admissions, then continued as new) if it is not there yet
(`--all` re-records it); test_waiting_room_workflow.py replays it.
"""

from __future__ import annotations

import asyncio
import sys
import threading
import uuid
from concurrent.futures import ThreadPoolExecutor
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from pathlib import Path

from temporalio import activity
from temporalio.client import Client, WorkflowHandle
from temporalio.testing import WorkflowEnvironment
from temporalio.worker import Worker

from tests.workflows.conftest import temporal_test_server_path
from workflows.waiting_room import WaitingRoomWorkflow
from workflows.waiting_room_messages import (
    WAITING_ROOM_TICK,
    TickRequest,
    TickResult,
    WaitingRoomInput,
)

HISTORIES = Path(__file__).parent / "histories"
HISTORY = HISTORIES / "waiting_room_paced_then_continued.json"


@dataclass
class FakeLine:
    """A hot item's line without Redis or PostgreSQL: `waiting` shoppers, `units` left."""

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
async def gate_world(line: FakeLine):
    async with await WorkflowEnvironment.start_time_skipping(
        test_server_existing_path=temporal_test_server_path()
    ) as env:
        with ThreadPoolExecutor(max_workers=2) as executor:
            async with Worker(
                env.client,
                task_queue="gate-test",
                workflows=[WaitingRoomWorkflow],
                activities=[line.tick],
                activity_executor=executor,
            ):
                yield env.client


async def start(client: Client, gate: WaitingRoomInput) -> WorkflowHandle:
    return await client.start_workflow(
        WaitingRoomWorkflow.run, gate, id=f"gate-{uuid.uuid4().hex[:8]}", task_queue="gate-test"
    )


async def record(path: Path = HISTORY) -> Path:
    line = FakeLine(waiting=30, units=10, hot_for_ticks=8)
    gate = WaitingRoomInput(
        item_id=1, rate_per_second=4, burst=4, window_seconds=60, tick_ms=250, ticks_per_run=5
    )
    async with gate_world(line) as client:
        handle = await start(client, gate)
        await handle.result()
        first = client.get_workflow_handle(handle.id, run_id=handle.first_execution_run_id)
        path.write_text((await first.fetch_history()).to_json())
    return path


if __name__ == "__main__":
    if "--all" in sys.argv or not HISTORY.exists():
        print(f"recorded {asyncio.run(record())}")
