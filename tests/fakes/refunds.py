"""Operators' refunds in memory (web/refunds/ports.py): orders with their lines, the
same rule (domain/returns.py's operator_refund) and one refund per (order, key)."""

from __future__ import annotations

import itertools
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime

from domain.refusals import Refusal
from domain.returns import operator_refund
from web.refunds.ports import KeyReused, StaffRefundView

_numbers = itertools.count(1)


@dataclass
class FakeStaffRefunds:
    # order id -> item id -> (units bought, unit price)
    orders: dict[str, dict[int, tuple[int, int]]] = field(default_factory=dict)
    done: dict[tuple[str, str], StaffRefundView] = field(default_factory=dict)

    def place(self, order_id: str, lines: dict[int, tuple[int, int]]) -> None:
        self.orders[order_id] = dict(lines)

    def refunded(self, order_id: str) -> int:
        return sum(v.amount for (o, _), v in self.done.items() if o == order_id)

    def refund(
        self,
        staff_user_id: int,
        order_id: str,
        asked: Mapping[int, int] | None,
        reason: str,
        key: str,
    ) -> StaffRefundView | Refusal | KeyReused | None:
        ordered = self.orders.get(order_id)
        if ordered is None:
            return None
        lines = tuple(sorted((asked or {}).items()))
        earlier = self.done.get((order_id, key))
        if earlier is not None:
            return earlier if (earlier.lines, earlier.reason) == (lines, reason) else KeyReused()
        captured = sum(n * price for n, price in ordered.values())
        amount = operator_refund(asked, ordered, captured, self.refunded(order_id))
        if isinstance(amount, Refusal):
            return amount
        view = StaffRefundView(next(_numbers), order_id, amount, lines, reason, datetime.now(UTC))
        self.done[(order_id, key)] = view
        return view
