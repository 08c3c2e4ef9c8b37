"""The vault sweep's activity: delete the sandbox vault's expired cards.

Run every minute by HoldSweepWorkflow (workflows/hold_sweep.py), after the holds. One
DELETE in one transaction; deleting what is already gone is a no-op, so a retry is
harmless. A production processor keeps cards in its own vault and needs no sweep.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from typing import Protocol

from temporalio import activity

from workflows.hold_sweep_messages import SWEEP_VAULT

log = logging.getLogger(__name__)


class ExpiringVault(Protocol):
    def delete_expired(self) -> int: ...


class VaultSweepActivities:
    def __init__(self, vault: ExpiringVault) -> None:
        self._vault = vault

    def activities(self) -> list[Callable]:
        return [self.sweep_vault]

    @activity.defn(name=SWEEP_VAULT)
    async def sweep_vault(self) -> int:
        deleted = await asyncio.to_thread(self._vault.delete_expired)
        if deleted:
            log.info("vault sweep: deleted %d expired card(s)", deleted)
        return deleted
