"""The returns' ports in memory (web/returns/ports.py): orders with delivered parcels,
decided by the same domain rule (domain/returns.py) as the PostgreSQL adapter."""

from __future__ import annotations

import itertools
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime

from db.postgres.returns import ReturnLineRow, ReturnRow
from domain.refusals import Refusal
from domain.returns import DeliveredParcel, ReturnStatus, plan_return, returnable_now
from web.returns.ports import Unavailable

_ids = itertools.count(1)


@dataclass
class FakeOrder:
    user_id: int
    prices: dict[int, int]
    parcels: list[DeliveredParcel]


@dataclass
class FakeReturns:
    orders: dict[str, FakeOrder] = field(default_factory=dict)
    rows: dict[str, ReturnRow] = field(default_factory=dict)

    def deliver(
        self,
        user_id: int,
        order_id: str,
        lines: dict[int, int],
        *,
        warehouse_id: int = 1,
        delivered_at: datetime | None = None,
        prices: dict[int, int] | None = None,
    ) -> None:
        """An order of `lines` in one parcel, delivered (now unless said otherwise)."""
        parcel = DeliveredParcel(
            f"{order_id}-S1", warehouse_id, delivered_at or datetime.now(UTC), dict(lines), {}
        )
        self.orders[order_id] = FakeOrder(user_id, prices or dict.fromkeys(lines, 1_000), [parcel])

    def authorize(
        self, user_id: int, order_id: str, asked: Mapping[int, int], reason: str
    ) -> list[ReturnRow] | Refusal | None:
        order = self.orders.get(order_id)
        if order is None or order.user_id != user_id:
            return None
        parcels = [replace(p, returned=self._returned(p.suborder_id)) for p in order.parcels]
        planned = plan_return(asked, parcels, order.prices, datetime.now(UTC))
        if isinstance(planned, Refusal):
            return planned
        created = []
        for parcel in planned:
            row = ReturnRow(
                return_id=f"RT-FAKE{next(_ids):05d}",
                order_id=order_id,
                suborder_id=parcel.suborder_id,
                warehouse_id=parcel.warehouse_id,
                warehouse_name=f"Warehouse {parcel.warehouse_id}",
                status=ReturnStatus.AUTHORIZED.value,
                reason=reason,
                refund_amount=parcel.refund,
                created_at=datetime.now(UTC),
                received_at=None,
                refunded_at=None,
                lines=tuple(
                    ReturnLineRow(item, f"Item {item}", quantity, order.prices[item])
                    for item, quantity in parcel.lines
                ),
            )
            self.rows[row.return_id] = row
            created.append(row)
        return created

    def returnable(self, user_id: int, order_id: str) -> dict[int, tuple[str, int]] | None:
        order = self.orders.get(order_id)
        if order is None or order.user_id != user_id:
            return None
        parcels = [replace(p, returned=self._returned(p.suborder_id)) for p in order.parcels]
        units = returnable_now(parcels, datetime.now(UTC))
        return {item: (f"Item {item}", n) for item, n in sorted(units.items())}

    def _returned(self, suborder_id: str) -> dict[int, int]:
        taken: dict[int, int] = {}
        for row in self.rows.values():
            if row.suborder_id == suborder_id and row.status != ReturnStatus.EXPIRED:
                for line in row.lines:
                    taken[line.item_id] = taken.get(line.item_id, 0) + line.quantity
        return taken

    def forget(self, return_ids: Sequence[str]) -> None:
        for return_id in return_ids:
            self.rows.pop(return_id, None)

    def order_returns(self, user_id: int, order_id: str) -> list[ReturnRow] | None:
        order = self.orders.get(order_id)
        if order is None or order.user_id != user_id:
            return None
        return [row for row in self.rows.values() if row.order_id == order_id]

    def find(self, user_id: int, order_id: str, return_id: str) -> ReturnRow | None:
        order = self.orders.get(order_id)
        row = self.rows.get(return_id)
        if order is None or order.user_id != user_id or row is None or row.order_id != order_id:
            return None
        return row

    def find_at(self, warehouse_id: int, return_id: str) -> ReturnRow | None:
        row = self.rows.get(return_id)
        return row if row is not None and row.warehouse_id == warehouse_id else None

    def awaiting(self, warehouse_id: int) -> list[ReturnRow]:
        return [
            row
            for row in self.rows.values()
            if row.warehouse_id == warehouse_id and row.status == ReturnStatus.AUTHORIZED
        ]


@dataclass
class FakeReturnWorkflows:
    """Each return's workflow: `receive` marks the row RECEIVED, as mark_received would."""

    store: FakeReturns
    reachable: bool = True
    started: list[str] = field(default_factory=list)

    def start(self, row: ReturnRow) -> bool:
        if self.reachable:
            self.started.append(row.return_id)
        return self.reachable

    def receive(self, row: ReturnRow) -> str | Unavailable:
        if not self.reachable:
            return Unavailable()
        current = self.store.rows[row.return_id]
        if current.status == ReturnStatus.AUTHORIZED:
            current = replace(
                current, status=ReturnStatus.RECEIVED.value, received_at=datetime.now(UTC)
            )
            self.store.rows[row.return_id] = current
        return current.status
