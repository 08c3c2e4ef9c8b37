"""What HoldSweepWorkflow, its Schedule and its two activities exchange (plain dataclasses).

The activities are referenced by name (`SWEEP_HOLDS`, `SWEEP_VAULT`), so
activities/hold_sweep.py and activities/vault_sweep.py import this module, never the
workflow body.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta

from domain.stock import Line

WORKFLOW_NAME = "HoldSweepWorkflow"
SWEEP_HOLDS = "holds.sweep"
SWEEP_VAULT = "vault.sweep"
EVERY = timedelta(minutes=1)
DEFAULT_GRACE_SECONDS = 300

CLOSED = "checkout closed"
EXPIRED = "expired past grace"


def schedule_id(task_queue: str) -> str:
    return f"hold-sweep-{task_queue}"


@dataclass(frozen=True)
class SweepRequest:
    grace_seconds: int = DEFAULT_GRACE_SECONDS


@dataclass(frozen=True)
class FreedHold:
    checkout_id: str
    reason: str  # CLOSED or EXPIRED
    lines: tuple[Line, ...]


@dataclass(frozen=True)
class SweepResult:
    held_checkouts: int  # checkouts with HELD rows the sweep looked at
    freed: tuple[FreedHold, ...] = field(default_factory=tuple)
    expired_cards: int = 0  # vaulted cards past their expiry, deleted
