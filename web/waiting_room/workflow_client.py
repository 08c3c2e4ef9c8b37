"""Switching an item hot or back, and making sure its waiting room workflow runs.

Shared by the staff page, `PUT /api/v1/items/<id>/hot` and `shopflow items hot`. The
flag lives in PostgreSQL (`waiting_room_items`); its workflow is WaitingRoomWorkflow
(`waiting-room-<itemID>`). Switching off admits everyone still waiting at once (their
checkout is then an ordinary one) and the workflow ends on its next tick.
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass

import redis
from sqlalchemy.orm import Session, sessionmaker
from temporalio.client import Client
from temporalio.common import WorkflowIDConflictPolicy
from temporalio.service import RPCError

from db.postgres.waiting_room_items import item_exists, set_hot
from db.redis.waiting_room import WaitingRoom
from db.redis.waiting_room_keys import item_keys
from settings import Settings
from web.temporal_gateway import TemporalGateway, TemporalUnavailable
from workflows.task_queues import Service, task_queue
from workflows.waiting_room import WaitingRoomWorkflow
from workflows.waiting_room_messages import WaitingRoomInput, waiting_room_workflow_id

log = logging.getLogger(__name__)

# A join checks at most this often (per item) that the workflow runs: one RPC, not one per join.
ENSURE_EVERY_SECONDS = 10
START_TIMEOUT = 10.0


class UnknownItem(LookupError):
    pass


@dataclass(frozen=True)
class WaitingRoomSwitch:
    item_id: int
    hot: bool
    waiting_room_workflow_id: str
    workflow_running: bool  # False when Temporal could not be reached (joins retry the start)
    released: int = 0  # shoppers admitted at once because the item is no longer hot


def workflow_input(settings: Settings, item_id: int) -> WaitingRoomInput:
    rate = max(0.1, settings.waiting_room_admission_rate)
    return WaitingRoomInput(
        item_id=item_id,
        rate_per_second=rate,
        burst=max(1, round(rate)),
        window_seconds=settings.admission_window_seconds,
        tick_ms=settings.waiting_room_tick_ms,
    )


def start_workflow(gateway: TemporalGateway | None, settings: Settings, item_id: int) -> bool:
    """Start the item's waiting room workflow, or find it running. False if Temporal is out of reach."""
    if gateway is None:
        return False

    async def start(client: Client) -> None:
        await client.start_workflow(
            WaitingRoomWorkflow.run,
            workflow_input(settings, item_id),
            id=waiting_room_workflow_id(item_id),
            task_queue=task_queue(settings.task_queue, Service.CHECKOUT),
            id_conflict_policy=WorkflowIDConflictPolicy.USE_EXISTING,
        )

    try:
        gateway.call(start, timeout=START_TIMEOUT)
    except (TemporalUnavailable, RPCError, TimeoutError) as error:
        log.warning("waiting room: could not start the workflow of item %s: %s", item_id, error)
        return False
    return True


def ensure_running(
    gateway: TemporalGateway | None, settings: Settings, client: redis.Redis, item_id: int
) -> None:
    """Called on every join: (re)start the waiting room workflow unless checked a moment ago."""
    key = item_keys(item_id).workflow_checked
    if not client.set(key, "1", nx=True, ex=ENSURE_EVERY_SECONDS):
        return
    if not start_workflow(gateway, settings, item_id):
        client.delete(key)  # the next join tries again


def switch(
    sessions: sessionmaker[Session],
    client: redis.Redis,
    gateway: TemporalGateway | None,
    settings: Settings,
    item_id: int,
    enabled: bool,
    *,
    by: int | None,
) -> WaitingRoomSwitch:
    with sessions.begin() as session:
        if not item_exists(session, item_id):
            raise UnknownItem(item_id)
        set_hot(session, item_id, enabled, by=by)
    workflow_id = waiting_room_workflow_id(item_id)
    if enabled:
        running = start_workflow(gateway, settings, item_id)
        return WaitingRoomSwitch(item_id, True, workflow_id, running)
    window_ms = settings.admission_window_seconds * 1000
    released = WaitingRoom(client).release_all(item_id, int(time.time() * 1000), window_ms)
    return WaitingRoomSwitch(item_id, False, workflow_id, False, released)
