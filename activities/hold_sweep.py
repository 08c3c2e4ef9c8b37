"""The hold sweeper's activity: release HELD reservations whose checkout is over.

Run every minute by HoldSweepWorkflow (workflows/hold_sweep.py). A checkout is over
when its workflow is seen *closed* in Temporal (found by the `CheckoutId` search
attribute the web sets at start), or when its hold expired more than the grace period
ago. A checkout Temporal cannot place (not listed yet: visibility lags a start by a
moment) is never called closed: only positive evidence releases a live-looking hold.

Releasing goes through CheckoutActivities.release, the code the checkout workflow
itself runs on cancel and expiry: locked rows, HELD -> RELEASED, stock +q, a no-op
for anything already released or consumed. So a sweep racing the workflow's own
release gives the stock back once.
"""

from __future__ import annotations

import asyncio
import logging
import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from sqlalchemy import text
from sqlalchemy.orm import Session, sessionmaker
from temporalio import activity
from temporalio.client import Client, WorkflowExecutionStatus

from activities.checkout import CheckoutActivities
from workflows.checkout_messages import CHECKOUT_ID_ATTRIBUTE, WORKFLOW_NAME, ReleaseRequest
from workflows.hold_sweep_messages import (
    CLOSED,
    EXPIRED,
    SWEEP_HOLDS,
    FreedHold,
    SweepRequest,
    SweepResult,
)

log = logging.getLogger(__name__)

# Most checkouts one sweep looks at (oldest first); the next minute takes the rest.
BATCH = 1_000
_SAFE_ID = re.compile(r"^[A-Za-z0-9_.:-]{1,64}$")  # quoted into a visibility query

# Checkouts with HELD rows and no order (a HELD row beside an order is a bug that
# `shopflow check` reports, not a leak to give back).
_HELD_CHECKOUTS = text(
    """
    SELECT r.checkout_id, min(r.expires_at) AS expires_at
    FROM reservations r
    WHERE r.state = 'HELD'
      AND NOT EXISTS (SELECT 1 FROM orders o WHERE o.checkout_id = r.checkout_id)
    GROUP BY r.checkout_id
    ORDER BY min(r.created_at)
    LIMIT :batch
    """
)


@dataclass(frozen=True)
class HeldCheckout:
    checkout_id: str
    expires_at: datetime


class HoldSweepActivities:
    def __init__(
        self, sessions: sessionmaker[Session], client: Client, checkout: CheckoutActivities
    ) -> None:
        self._sessions = sessions
        self._client = client
        self._checkout = checkout

    def activities(self) -> list[Callable]:
        return [self.sweep_holds]

    @activity.defn(name=SWEEP_HOLDS)
    async def sweep_holds(self, request: SweepRequest) -> SweepResult:
        held = await asyncio.to_thread(self.held_checkouts)
        now = datetime.now(UTC)
        expired_before = now - timedelta(seconds=request.grace_seconds)
        expired = {h.checkout_id for h in held if h.expires_at < expired_before}
        closed = await self.closed_checkouts({h.checkout_id for h in held} - expired)
        freed: list[FreedHold] = []
        for checkout in held:
            reason = (
                EXPIRED
                if checkout.checkout_id in expired
                else CLOSED
                if checkout.checkout_id in closed
                else None
            )
            if reason is None:
                continue
            released = await asyncio.to_thread(
                self._checkout.release, ReleaseRequest(checkout.checkout_id)
            )
            if released.released:  # empty: its own workflow released it meanwhile
                freed.append(FreedHold(checkout.checkout_id, reason, released.released))
                log.warning(
                    "hold sweep: released checkout %s (%s): %s",
                    checkout.checkout_id,
                    reason,
                    ", ".join(
                        f"item {line.item_id} x{line.quantity}" for line in released.released
                    ),
                )
        if not freed:
            log.info("hold sweep: %d held checkout(s), nothing to release", len(held))
        return SweepResult(len(held), tuple(freed))

    def held_checkouts(self) -> list[HeldCheckout]:
        with self._sessions() as session:
            rows = session.execute(_HELD_CHECKOUTS, {"batch": BATCH})
            return [HeldCheckout(row.checkout_id, row.expires_at) for row in rows]

    async def closed_checkouts(self, checkout_ids: set[str]) -> set[str]:
        """The ids among `checkout_ids` whose CheckoutWorkflow Temporal shows closed."""
        if not checkout_ids:
            return set()
        running: set[str] = set()
        query = f"WorkflowType = '{WORKFLOW_NAME}' AND ExecutionStatus = 'Running'"
        async for execution in self._client.list_workflows(query):
            value = execution.typed_search_attributes.get(CHECKOUT_ID_ATTRIBUTE)
            if value:
                running.add(value)
        closed: set[str] = set()
        for checkout_id in checkout_ids - running:
            if not _SAFE_ID.match(checkout_id):
                continue
            async for execution in self._client.list_workflows(
                f"CheckoutId = '{checkout_id}'", limit=1
            ):
                if execution.status != WorkflowExecutionStatus.RUNNING:
                    closed.add(checkout_id)
        return closed
