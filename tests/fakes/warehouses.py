"""The warehouse use cases' ports in memory (web/warehouses/use_cases.py).

    FakeWarehouseReads  warehouses and suborder rows in dicts, paged like PostgreSQL
                        (oldest first by (created_at, id), the same keyset cursors)
    FakeQueueStream     the stream's "new" marks: a suborder is new on the first read
    FakeFulfilment      the suborder workflow's answers (ASSIGNED -> SHIPPED -> DELIVERED;
                        deliver before ship refused; a closed workflow is gone)
    FakeShelves         restock with the rules of db/postgres/restock.py (quantity bounds, unknown
                        items, inactive warehouses, one key for one restock); corrections
                        down with domain/stock.py's rules (`held` units may not go)

`fake_portal()` builds a WarehousePortal on them with two warehouses and a few
suborders; tests/web/test_warehouse_contracts.py holds the fakes to the real adapters.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, timedelta

from db.postgres.restock import InvalidRestockQuantity, RestockResult, check_quantity
from db.postgres.stock_corrections import Correction
from domain.order import SuborderStatus as SS
from domain.refusals import RefusalKind
from domain.stock import correction_problem, removable_units
from web.refusals import Refused
from web.suborder_reads import SuborderRow, SuborderRowLine
from web.warehouses.parsing import encode_cursor, is_suborder_id
from web.warehouses.use_cases import (
    StreamEntry,
    SuborderPage,
    SuborderRefused,
    SuborderWorkflowGone,
    WarehousePortal,
    WarehouseView,
)

NORTH, SOUTH, SHUT = 1, 2, 3
START = datetime(2026, 1, 5, 9, 0, tzinfo=UTC)
ADDRESS = {"name": "Ada", "line1": "1 Pike St", "line2": "Apt 4", "city": "Seattle",
           "postal_code": "98101", "country": "US"}  # fmt: skip


@dataclass
class FakeWarehouseReads:
    warehouses: dict[int, tuple[str, str, bool]] = field(default_factory=dict)
    rows: dict[str, SuborderRow] = field(default_factory=dict)

    def add_warehouse(self, warehouse_id: int, name: str, active: bool = True) -> None:
        self.warehouses[warehouse_id] = (name, f"{name}, US", active)

    def add_suborder(
        self, warehouse_id: int, suborder_id: str, *, minutes: int = 0, status: SS = SS.ASSIGNED
    ) -> SuborderRow:
        name, region, _ = self.warehouses[warehouse_id]
        row = SuborderRow(
            suborder_id=suborder_id,
            order_id=suborder_id.rsplit("-S", 1)[0],
            warehouse_id=warehouse_id,
            warehouse_name=name,
            warehouse_region=region,
            status=status.value,
            created_at=START + timedelta(minutes=minutes),
            shipped_at=None,
            delivered_at=None,
            shipping_address=dict(ADDRESS),
            lines=(SuborderRowLine(1, "Lantern", 1),),
        )
        self.rows[suborder_id] = row
        return row

    def set_status(self, suborder_id: str, status: SS, at: datetime | None = None) -> None:
        row = self.rows[suborder_id]
        at = at or START
        changes: dict = {"status": status.value}
        if status is SS.SHIPPED:
            changes["shipped_at"] = at
        if status is SS.DELIVERED:
            changes["delivered_at"] = at
        self.rows[suborder_id] = replace(row, **changes)

    # --- the port --------------------------------------------------------------------

    def list_warehouses(self) -> list[WarehouseView]:
        return [self._view(w) for w in sorted(self.warehouses)]

    def find_warehouse(self, warehouse_id: int) -> WarehouseView | None:
        return self._view(warehouse_id) if warehouse_id in self.warehouses else None

    def list_suborders(
        self, warehouse_id: int, status: SS, *, limit: int, after: tuple[datetime, str] | None
    ) -> SuborderPage:
        found = sorted(
            (
                r
                for r in self.rows.values()
                if r.warehouse_id == warehouse_id and r.status == status.value
            ),
            key=lambda r: (r.created_at, r.suborder_id),
        )
        if after is not None:
            found = [r for r in found if (r.created_at, r.suborder_id) > after]
        page = tuple(found[:limit])
        next_cursor = encode_cursor(page[-1]) if len(found) > limit else None
        return SuborderPage(page, next_cursor, limit)

    def find_suborder(self, warehouse_id: int, suborder_id: str) -> SuborderRow | None:
        if not is_suborder_id(suborder_id):
            return None
        row = self.rows.get(suborder_id)
        return row if row is not None and row.warehouse_id == warehouse_id else None

    def suborder_statuses(self, suborder_ids: Sequence[str]) -> dict[str, str]:
        return {s: self.rows[s].status for s in suborder_ids if s in self.rows}

    def _view(self, warehouse_id: int) -> WarehouseView:
        name, region, active = self.warehouses[warehouse_id]
        waiting = sum(
            1
            for r in self.rows.values()
            if r.warehouse_id == warehouse_id and r.status == SS.ASSIGNED.value
        )
        return WarehouseView(warehouse_id, name, region, active, waiting)


@dataclass
class FakeQueueStream:
    """Entries are (warehouse, suborder); `down` is Redis unreachable."""

    entries: dict[int, list[str]] = field(default_factory=dict)
    delivered: set[str] = field(default_factory=set)
    acked: set[str] = field(default_factory=set)
    down: bool = False

    def enqueue(self, warehouse_id: int, suborder_id: str) -> None:
        self.entries.setdefault(warehouse_id, []).append(suborder_id)

    def read(self, warehouse_id: int) -> list[StreamEntry]:
        if self.down:
            return []
        pending = [s for s in self.entries.get(warehouse_id, []) if s not in self.acked]
        read = [StreamEntry(f"0-{i}", s, s not in self.delivered) for i, s in enumerate(pending)]
        self.delivered.update(pending)
        return read

    def ack_entries(self, warehouse_id: int, entries: list[StreamEntry]) -> None:
        if not self.down:
            self.acked.update(e.suborder_id for e in entries)

    def ack_suborder(self, warehouse_id: int, suborder_id: str) -> None:
        if not self.down:
            self.acked.add(suborder_id)


@dataclass
class FakeFulfilment:
    """The suborder workflows, over the rows of `reads`; `unavailable` raises what the
    real adapter raises when Temporal cannot be reached."""

    reads: FakeWarehouseReads
    unavailable: bool = False
    calls: list[tuple[str, str]] = field(default_factory=list)

    def confirm_shipped(self, suborder_id: str) -> None:
        self._call("ship", suborder_id)
        row = self.reads.rows[suborder_id]
        if row.status in (SS.DELIVERED.value, SS.CANCELLED.value):
            raise SuborderWorkflowGone()
        if row.status == SS.ASSIGNED.value:
            self.reads.set_status(suborder_id, SS.SHIPPED)

    def confirm_delivered(self, suborder_id: str) -> None:
        self._call("deliver", suborder_id)
        row = self.reads.rows[suborder_id]
        if row.status in (SS.DELIVERED.value, SS.CANCELLED.value):
            raise SuborderWorkflowGone()
        if row.status == SS.ASSIGNED.value:
            raise SuborderRefused(True, "The parcel has not shipped yet.")
        self.reads.set_status(suborder_id, SS.DELIVERED)

    def _call(self, what: str, suborder_id: str) -> None:
        if self.unavailable:
            from web.warehouses.adapters import FulfilmentUnavailable

            raise FulfilmentUnavailable()
        self.calls.append((what, suborder_id))


@dataclass
class FakeShelves:
    reads: FakeWarehouseReads
    items: dict[int, str] = field(default_factory=lambda: {1: "Lantern", 2: "Kettle"})
    shelves: dict[tuple[int, int], int] = field(default_factory=dict)
    keys: dict[str, tuple[int, int, int, RestockResult]] = field(default_factory=dict)
    search_up: bool = True
    held: dict[int, int] = field(default_factory=dict)  # item -> units promised to shoppers
    recorded: list[Correction] = field(default_factory=list)  # newest last
    correction_keys: dict[tuple[int, str], Correction] = field(default_factory=dict)

    def correct_down(
        self,
        warehouse_id: int,
        item_id: int,
        units: int,
        *,
        reason: str,
        note: str,
        user_id: int,
        key: str | None,
    ) -> Correction | Refused:
        problem = correction_problem(units, reason, note)  # the domain's own rule
        if problem:
            return Refused(RefusalKind.INVALID_QUANTITY, problem)
        if warehouse_id not in self.reads.warehouses:
            return Refused(RefusalKind.NOT_FOUND, f"There is no warehouse {warehouse_id}.")
        name, _, active = self.reads.warehouses[warehouse_id]
        if not active:
            return Refused(RefusalKind.WAREHOUSE_INACTIVE, f"Warehouse {name} is not active.")
        if item_id not in self.items:
            return Refused(
                RefusalKind.NO_SUCH_ITEM, f"There is no item {item_id} in the catalogue."
            )
        earlier = self.correction_keys.get((warehouse_id, key or ""))
        if key is not None and earlier is not None:
            if (earlier.item_id, earlier.delta) != (item_id, -units):
                return Refused(RefusalKind.KEY_REUSED, "That key was used for another correction.")
            return replace(earlier, replayed=True)
        shelf = self.shelves.get((warehouse_id, item_id), 0)
        total = sum(n for (_, i), n in self.shelves.items() if i == item_id)
        may_go = removable_units(shelf, total - self.held.get(item_id, 0))
        if units > may_go:
            return Refused(
                RefusalKind.TOO_MANY_TO_REMOVE,
                f"Only {may_go} unit(s) can be removed.",
                {"removable": may_go},
            )
        self.shelves[(warehouse_id, item_id)] = shelf - units
        correction = Correction(
            warehouse_id, item_id, self.items[item_id], -units, reason, note, user_id, START,
            shelf - units, shelf - units, total - units - self.held.get(item_id, 0),
        )  # fmt: skip
        self.recorded.append(correction)
        if key is not None:
            self.correction_keys[(warehouse_id, key)] = correction
        return correction

    def corrections(self, warehouse_id: int) -> list[Correction]:
        return [c for c in reversed(self.recorded) if c.warehouse_id == warehouse_id][:10]

    def restock(
        self, warehouse_id: int, item_id: int, quantity: int, key: str | None
    ) -> RestockResult | Refused:
        try:
            check_quantity(quantity)  # db/postgres/restock.py's own rule: a pure function
        except InvalidRestockQuantity as error:
            return Refused(RefusalKind.INVALID_QUANTITY, str(error))
        if warehouse_id not in self.reads.warehouses:
            return Refused(RefusalKind.NOT_FOUND, f"There is no warehouse {warehouse_id}.")
        name, _, active = self.reads.warehouses[warehouse_id]
        if not active:
            return Refused(RefusalKind.WAREHOUSE_INACTIVE, f"Warehouse {name} is not active.")
        if item_id not in self.items:
            return Refused(
                RefusalKind.NO_SUCH_ITEM, f"There is no item {item_id} in the catalogue."
            )
        if key is not None and key in self.keys:
            w, i, q, result = self.keys[key]
            if (w, i, q) != (warehouse_id, item_id, quantity):
                return Refused(RefusalKind.KEY_REUSED, "That key was used for another restock.")
            return replace(result, replayed=True)
        shelf = self.shelves.get((warehouse_id, item_id), 0) + quantity
        self.shelves[(warehouse_id, item_id)] = shelf
        total = sum(n for (_, i), n in self.shelves.items() if i == item_id)
        result = RestockResult(
            warehouse_id, item_id, self.items[item_id], quantity, shelf, shelf, total
        )
        if key is not None:
            self.keys[key] = (warehouse_id, item_id, quantity, result)
        return result

    def refresh_search(self, item_id: int) -> bool:
        return self.search_up


@dataclass
class FakePorts:
    reads: FakeWarehouseReads
    queue: FakeQueueStream
    fulfilment: FakeFulfilment
    shelves: FakeShelves

    def portal(self) -> WarehousePortal:
        return WarehousePortal(self.reads, self.queue, self.fulfilment, self.shelves)


def fake_ports() -> FakePorts:
    """Warehouses NORTH and SOUTH (active) and SHUT (inactive); suborders n-S1, n-S2 in
    NORTH's queue (n-S2 new on the stream), s-S1 in SOUTH's."""
    reads = FakeWarehouseReads()
    reads.add_warehouse(NORTH, "North")
    reads.add_warehouse(SOUTH, "South")
    reads.add_warehouse(SHUT, "Shut", active=False)
    reads.add_suborder(NORTH, "n-S1", minutes=1)
    reads.add_suborder(NORTH, "n-S2", minutes=2)
    reads.add_suborder(SOUTH, "s-S1", minutes=1)
    queue = FakeQueueStream()
    queue.enqueue(NORTH, "n-S2")
    return FakePorts(reads, queue, FakeFulfilment(reads), FakeShelves(reads))
