"""What the operators' refunds need. Adapter: web/refunds/adapters.py; fake: tests/fakes/refunds.py."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

from domain.refusals import Refusal


@dataclass(frozen=True)
class StaffRefundView:
    refund_number: int
    order_id: str
    amount: int  # cents
    lines: tuple[tuple[int, int], ...]  # (item id, quantity); empty: all that was left
    reason: str
    created_at: datetime


@dataclass(frozen=True)
class KeyReused:
    """The Idempotency-Key was used on this order for another refund."""


class StaffRefunds(Protocol):
    def refund(
        self,
        staff_user_id: int,
        order_id: str,
        asked: Mapping[int, int] | None,
        reason: str,
        key: str,
    ) -> StaffRefundView | Refusal | KeyReused | None:
        """Refund once per (order, key) through the gateway, under the cap of
        domain/returns.py; None for an unknown order."""
