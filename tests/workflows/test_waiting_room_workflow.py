"""WaitingRoomWorkflow on the time-skipping server with a fake line: it admits no faster
than its rate, carries its tokens over continue-as-new, ends when the item is no longer
hot (its recorded histories: waiting_room_histories.py)."""

from __future__ import annotations

import pytest
from temporalio.api.enums.v1 import EventType

from tests.workflows.environment import run
from tests.workflows.waiting_room_histories import FakeLine, start, waiting_room_world
from workflows.waiting_room_messages import WaitingRoomInput

pytestmark = pytest.mark.workflow


async def workflow_seconds(handle) -> float:
    """Workflow time from the run's start to its end (what the token bucket refills by)."""
    history = await handle.fetch_history()
    first, last = history.events[0].event_time, history.events[-1].event_time
    return (last.ToDatetime() - first.ToDatetime()).total_seconds()


def room(**changes) -> WaitingRoomInput:
    values = dict(item_id=1, rate_per_second=4, burst=4, window_seconds=60, tick_ms=250)
    return WaitingRoomInput(**{**values, **changes})


def test_the_waiting_room_admits_no_faster_than_its_rate_and_ends_when_the_item_is_not_hot():
    line = FakeLine(waiting=1_000, units=1_000, hot_for_ticks=40)  # 40 ticks of 250 ms

    async def scenario():
        async with waiting_room_world(line) as world:
            handle = await start(world, room())
            ended = await handle.result()
            return ended, await workflow_seconds(handle)

    ended, seconds = run(scenario())
    assert "no longer hot" in ended
    # 4 a second over the run's workflow time (40 ticks of 250 ms, more when a tick's
    # activity is slow on a busy machine), plus at most one burst.
    assert seconds >= 10
    assert 36 <= sum(line.admitted) <= 4 + 4 * seconds
    assert max(line.asked) <= 4  # never more than the burst at once


def test_the_waiting_room_continues_as_new_and_carries_its_tokens():
    line = FakeLine(waiting=1_000, units=1_000, hot_for_ticks=20)

    async def scenario():
        async with waiting_room_world(line) as world:
            handle = await start(world, room(ticks_per_run=3))
            await handle.result()
            first = world.client.get_workflow_handle(
                handle.id, run_id=handle.first_execution_run_id
            )
            history = await first.fetch_history()
            started = history.events[0].event_time.ToDatetime()
            ended = (await handle.describe()).close_time
            return history.events[-1].event_type, (ended.replace(tzinfo=None) - started)

    last_event, elapsed = run(scenario())
    assert last_event == EventType.EVENT_TYPE_WORKFLOW_EXECUTION_CONTINUED_AS_NEW
    assert len(line.asked) == 20  # no tick lost between runs
    # Tokens carried over, not refilled to a full burst by each new run.
    assert sum(line.admitted) <= 4 + 4 * elapsed.total_seconds()


def test_a_continued_run_starts_with_the_tokens_the_last_run_ended_with():
    """Nobody waits, so the bucket fills to its burst in the first run; the next run must
    start from that, not from an empty bucket (its first tick may admit a full burst)."""
    line = FakeLine(waiting=0, units=1_000, hot_for_ticks=5)

    async def scenario():
        async with waiting_room_world(line) as world:
            await (await start(world, room(ticks_per_run=3))).result()

    run(scenario())
    assert line.asked[:3] == [0, 4, 4]  # the first run: empty, then refilled to the burst
    assert line.asked[3] == 4  # the continued run's first tick: the tokens carried over


def test_the_waiting_room_stops_admitting_when_nothing_is_left():
    line = FakeLine(waiting=50, units=3, hot_for_ticks=12)

    async def scenario():
        async with waiting_room_world(line) as world:
            await (await start(world, room())).result()

    run(scenario())
    assert sum(line.admitted) == 3
