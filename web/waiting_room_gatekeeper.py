"""Switching an item hot or back, and making sure its gatekeeper workflow runs.

Shared by the staff page, `PUT /api/v1/items/<id>/hot` and `shopflow items hot`. The
flag lives in PostgreSQL (`hot_items`); the gate is HotItemGateWorkflow
(`hot-item-<itemID>`). Switching off admits everyone still waiting at once (their
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
from db.redis.waiting_room import WaitingRoom, prefix
from settings import Settings
from web.temporal_gateway import TemporalGateway, TemporalUnavailable
from workflows.hot_item_gate import HotItemGateWorkflow
from workflows.hot_item_messages import GateInput, gate_workflow_id

log = logging.getLogger(__name__)

# A join checks at most this often (per item) that the gate runs: one RPC, not one per join.
ENSURE_EVERY_SECONDS = 10
START_TIMEOUT = 10.0


class UnknownItem(LookupError):
    pass


@dataclass(frozen=True)
class HotSwitch:
    item_id: int
    hot: bool
    gate_workflow_id: str
    gate_running: bool  # False when Temporal could not be reached (joins retry the start)
    released: int = 0  # shoppers admitted at once because the item is no longer hot


def gate_input(settings: Settings, item_id: int) -> GateInput:
    rate = max(0.1, settings.hot_admission_rate)
    return GateInput(
        item_id=item_id,
        rate_per_second=rate,
        burst=max(1, round(rate)),
        window_seconds=settings.admission_window_seconds,
        tick_ms=settings.hot_gate_tick_ms,
    )


def start_gate(gateway: TemporalGateway | None, settings: Settings, item_id: int) -> bool:
    """Start the item's gate workflow, or find it running. False if Temporal is out of reach."""
    if gateway is None:
        return False

    async def start(client: Client) -> None:
        await client.start_workflow(
            HotItemGateWorkflow.run,
            gate_input(settings, item_id),
            id=gate_workflow_id(item_id),
            task_queue=settings.task_queue,
            id_conflict_policy=WorkflowIDConflictPolicy.USE_EXISTING,
        )

    try:
        gateway.call(start, timeout=START_TIMEOUT)
    except (TemporalUnavailable, RPCError, TimeoutError) as error:
        log.warning("waiting room: could not start the gate of item %s: %s", item_id, error)
        return False
    return True


def ensure_gate(
    gateway: TemporalGateway | None, settings: Settings, client: redis.Redis, item_id: int
) -> None:
    """Called on every join: (re)start the gate unless checked a moment ago."""
    key = prefix(item_id) + "gate-checked"
    if not client.set(key, "1", nx=True, ex=ENSURE_EVERY_SECONDS):
        return
    if not start_gate(gateway, settings, item_id):
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
) -> HotSwitch:
    with sessions.begin() as session:
        if not item_exists(session, item_id):
            raise UnknownItem(item_id)
        set_hot(session, item_id, enabled, by=by)
    workflow_id = gate_workflow_id(item_id)
    if enabled:
        running = start_gate(gateway, settings, item_id)
        return HotSwitch(item_id, True, workflow_id, running)
    window_ms = settings.admission_window_seconds * 1000
    released = WaitingRoom(client).release_all(item_id, int(time.time() * 1000), window_ms)
    return HotSwitch(item_id, False, workflow_id, False, released)
