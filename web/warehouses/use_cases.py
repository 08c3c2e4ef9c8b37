"""What the warehouse portal does, once, for the browser pages and the JSON API alike.

    warehouses(access)                      the warehouses this account works in
    portal(access, w)                       a warehouse's queue and its shipped parcels
    suborders(access, w, status, ...)       one page of its suborders in one status
    ship(access, w, s), deliver(access, w, s)
                                            through the suborder's workflow; once it has
                                            closed, the database row answers
    restock(access, w, item, n, key)        units on the shelf, then the search flag

Correcting stock down (units off the shelf with a reason) is web/warehouses/corrections.py.

Every use case first asks `Access.works_in` (domain/roles.py): a warehouse the account
does not work in answers exactly as one that does not exist (NOT_FOUND), so a worker
learns nothing about other warehouses. The pages and the API only translate the
outcomes (`Refused`, web/refusals.py) into HTML or JSON; a refusal about one
suborder carries the suborder as it is now in its details (`row`), for the page.

The ports are narrow Protocols; the real adapters are in web/warehouses/adapters.py,
the in-memory fakes in tests/fakes/warehouses.py (with a contract test between them).
"""

from __future__ import annotations

import contextlib
import logging
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

from db.postgres.restock import RestockResult
from db.postgres.stock_corrections import Correction
from domain.order import SuborderStatus as SS
from domain.refusals import RefusalKind
from domain.roles import Access
from web.refusals import Refused
from web.suborder_reads import SuborderRow

K = RefusalKind
DEFAULT_LIMIT = 50  # suborders per page
log = logging.getLogger(__name__)

SHIPPED_SHOWN = 50  # parcels awaiting delivery listed under the portal's queue

CANCELLED_MESSAGE = "This suborder was cancelled by the shopper: do not ship it."
ALREADY_RECORDED = "This restock was already recorded: the units were added once, not again."
SEARCH_NOT_UPDATED = (
    "The units are on the shelf and can be ordered now, but search could not be told: "
    "search results may show the item as out of stock until the next restock or reindex."
)
# Search results are cached in Redis for Settings.search_cache_ttl_seconds (30 s by
# default) under the catalogue version; a restock does not bump that version (it
# names the Typesense collections and would throw away every cached search), so a
# cached page can show the old flag for at most that long.
SEARCH_CACHE_NOTE = "Search results may take up to {ttl} seconds to show it in stock."


# --- what the ports carry ------------------------------------------------------------


@dataclass(frozen=True)
class WarehouseView:
    id: int
    name: str
    region: str
    active: bool
    assigned: int  # suborders waiting to ship


@dataclass(frozen=True)
class SuborderPage:
    rows: tuple[SuborderRow, ...]
    next_cursor: str | None
    limit: int


@dataclass(frozen=True)
class StreamEntry:
    """One entry of a warehouse's queue stream as this look read it."""

    entry_id: str
    suborder_id: str
    new: bool  # never delivered to a portal before (else: reclaimed from a dead one)


class SuborderWorkflowGone(Exception):
    """The suborder's workflow is closed (or unknown): its database row has the last word."""


@dataclass
class SuborderRefused(Exception):
    not_shipped: bool  # the workflow's NotShipped: deliver before ship
    message: str

    def __str__(self) -> str:
        return self.message


# --- the ports ------------------------------------------------------------------------


class WarehouseReads(Protocol):
    def list_warehouses(self) -> list[WarehouseView]: ...

    def find_warehouse(self, warehouse_id: int) -> WarehouseView | None: ...

    def list_suborders(
        self, warehouse_id: int, status: SS, *, limit: int, after: tuple[datetime, str] | None
    ) -> SuborderPage: ...

    def find_suborder(self, warehouse_id: int, suborder_id: str) -> SuborderRow | None:
        """None for another warehouse's suborder too."""
        ...

    def suborder_statuses(self, suborder_ids: Sequence[str]) -> dict[str, str]: ...


class QueueStream(Protocol):
    """The warehouse's stream of new suborders (only the "new" marks; PostgreSQL lists
    them all). An adapter that cannot reach it reads nothing and acknowledges later."""

    def read(self, warehouse_id: int) -> list[StreamEntry]: ...

    def ack_entries(self, warehouse_id: int, entries: list[StreamEntry]) -> None: ...

    def ack_suborder(self, warehouse_id: int, suborder_id: str) -> None: ...


class Fulfilment(Protocol):
    """The suborder's workflow: SuborderRefused or SuborderWorkflowGone, else done."""

    def confirm_shipped(self, suborder_id: str) -> None: ...

    def confirm_delivered(self, suborder_id: str) -> None: ...


class Shelves(Protocol):
    def restock(
        self, warehouse_id: int, item_id: int, quantity: int, key: str | None
    ) -> RestockResult | Refused: ...

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
    ) -> Correction | Refused: ...

    def corrections(self, warehouse_id: int) -> list[Correction]:
        """The latest corrections of the warehouse, newest first."""
        ...

    def refresh_search(self, item_id: int) -> bool:
        """Tell search whether the item is in stock now; False if it could not be told."""
        ...


# --- outcomes --------------------------------------------------------------------------


@dataclass(frozen=True)
class SuborderList:
    warehouse: WarehouseView
    status: SS
    page: SuborderPage
    new_ids: frozenset[str]  # ASSIGNED only: arrived since the portal last looked


@dataclass(frozen=True)
class PortalView:
    warehouse: WarehouseView
    queue: SuborderPage | None  # None: not asked for (a fragment that does not show it)
    new_ids: frozenset[str]
    shipped: SuborderPage | None


@dataclass(frozen=True)
class Restocked:
    result: RestockResult
    search_updated: bool


# --- the use cases ---------------------------------------------------------------------


class WarehousePortal:
    def __init__(
        self, reads: WarehouseReads, queue: QueueStream, fulfilment: Fulfilment, shelves: Shelves
    ) -> None:
        self.reads = reads
        self.queue = queue
        self.fulfilment = fulfilment
        self.shelves = shelves

    def warehouses(self, access: Access) -> list[WarehouseView]:
        return [w for w in self.reads.list_warehouses() if access.works_in(w.id)]

    def warehouse(self, access: Access, warehouse_id: int | None) -> WarehouseView | Refused:
        """`None` is an id that cannot exist (out of range): not found either."""
        found = None
        if warehouse_id is not None and access.works_in(warehouse_id):
            found = self.reads.find_warehouse(warehouse_id)
        if found is None:
            return Refused(K.NOT_FOUND, f"There is no warehouse {warehouse_id}.")
        return found

    def portal(
        self, access: Access, warehouse_id: int | None, *, with_queue: bool = True
    ) -> PortalView | Refused:
        warehouse = self.warehouse(access, warehouse_id)
        if isinstance(warehouse, Refused):
            return warehouse
        if not with_queue:
            return PortalView(warehouse, None, frozenset(), None)
        queue = self._assigned(warehouse, limit=DEFAULT_LIMIT, after=None)
        shipped = self.reads.list_suborders(
            warehouse.id, SS.SHIPPED, limit=SHIPPED_SHOWN, after=None
        )
        return PortalView(warehouse, queue.page, queue.new_ids, shipped)

    def suborders(
        self,
        access: Access,
        warehouse_id: int | None,
        status: SS,
        *,
        limit: int,
        after: tuple[datetime, str] | None,
    ) -> SuborderList | Refused:
        warehouse = self.warehouse(access, warehouse_id)
        if isinstance(warehouse, Refused):
            return warehouse
        if status is SS.ASSIGNED:
            return self._assigned(warehouse, limit=limit, after=after)
        page = self.reads.list_suborders(warehouse.id, status, limit=limit, after=after)
        return SuborderList(warehouse, status, page, frozenset())

    def ship(
        self, access: Access, warehouse_id: int | None, suborder_id: str
    ) -> SuborderRow | Refused:
        """Shipping twice (or once delivered) answers the row as it is."""
        row = self._suborder(access, warehouse_id, suborder_id)
        if isinstance(row, Refused):
            return row
        if row.status == SS.ASSIGNED.value:
            # A workflow that closed meanwhile (SuborderWorkflowGone) needs no answer of its
            # own: the re-read row says how it ended.
            with contextlib.suppress(SuborderWorkflowGone):
                try:
                    self.fulfilment.confirm_shipped(suborder_id)
                except SuborderRefused as refused:
                    return Refused(K.SUBORDER_REFUSED, refused.message, {"row": row})
            row = self._reread(row)
        if row.status == SS.CANCELLED.value:
            self.queue.ack_suborder(row.warehouse_id, suborder_id)
            return Refused(K.SUBORDER_CANCELLED, CANCELLED_MESSAGE, {"row": row})
        if row.status == SS.ASSIGNED.value:
            return _workflow_missing(row)
        self.queue.ack_suborder(row.warehouse_id, suborder_id)
        return row

    def deliver(
        self, access: Access, warehouse_id: int | None, suborder_id: str
    ) -> SuborderRow | Refused:
        """Delivering twice answers the row as it is."""
        row = self._suborder(access, warehouse_id, suborder_id)
        if isinstance(row, Refused):
            return row
        if row.status in (SS.ASSIGNED.value, SS.SHIPPED.value):
            try:
                self.fulfilment.confirm_delivered(suborder_id)
            except SuborderRefused as refused:
                kind = K.NOT_SHIPPED if refused.not_shipped else K.SUBORDER_REFUSED
                return Refused(kind, refused.message, {"row": row})
            except SuborderWorkflowGone:
                pass
            row = self._reread(row)
        if row.status == SS.CANCELLED.value:
            return Refused(
                K.SUBORDER_CANCELLED, "This suborder was cancelled; it never shipped.", {"row": row}
            )
        if row.status == SS.ASSIGNED.value:
            return Refused(
                K.NOT_SHIPPED,
                "This parcel has not shipped yet: mark it shipped first.",
                {"row": row},
            )
        if row.status == SS.SHIPPED.value:
            return _workflow_missing(row)
        return row

    def restock(
        self,
        access: Access,
        warehouse_id: int | None,
        item_id: int,
        quantity: int,
        *,
        key: str | None = None,
    ) -> Restocked | Refused:
        """`key` (the API's Idempotency-Key, the portal form's hidden key): units added once."""
        warehouse = self.warehouse(access, warehouse_id)
        if isinstance(warehouse, Refused):
            return warehouse
        result = self.shelves.restock(warehouse.id, item_id, quantity, key)
        if isinstance(result, Refused):
            return result
        return Restocked(result, self.shelves.refresh_search(item_id))

    # --- inside ----------------------------------------------------------------------

    def _suborder(
        self, access: Access, warehouse_id: int | None, suborder_id: str
    ) -> SuborderRow | Refused:
        warehouse = self.warehouse(access, warehouse_id)
        if isinstance(warehouse, Refused):
            return warehouse
        row = self.reads.find_suborder(warehouse.id, suborder_id)
        if row is None:
            return Refused(
                K.NOT_FOUND, f"Warehouse {warehouse.id} has no suborder {suborder_id[:64]!r}."
            )
        return row

    def _reread(self, row: SuborderRow) -> SuborderRow:
        again = self.reads.find_suborder(row.warehouse_id, row.suborder_id)
        assert again is not None, "a suborder row is never deleted"
        return again

    def _assigned(
        self, warehouse: WarehouseView, *, limit: int, after: tuple[datetime, str] | None
    ) -> SuborderList:
        """Suborders waiting to ship, oldest first, with those new to the portal marked."""
        warehouse_id = warehouse.id
        entries = self.queue.read(warehouse_id)
        page = self.reads.list_suborders(warehouse_id, SS.ASSIGNED, limit=limit, after=after)
        statuses = self.reads.suborder_statuses([e.suborder_id for e in entries])
        # Entries whose suborder is no longer waiting (shipped through the API before the
        # portal read them, cancelled by the shopper, unknown) are handled: acknowledge them.
        handled = [e for e in entries if statuses.get(e.suborder_id) != SS.ASSIGNED.value]
        if handled:
            self.queue.ack_entries(warehouse_id, handled)
        waiting = {row.suborder_id for row in page.rows}
        new_ids = frozenset(e.suborder_id for e in entries if e.new) & waiting
        return SuborderList(warehouse, SS.ASSIGNED, page, new_ids)


def _workflow_missing(row: SuborderRow) -> Refused:
    log.error("suborder %s: its fulfilment workflow is not running", row.suborder_id)
    return Refused(
        K.WORKFLOW_NOT_RUNNING,
        f"The fulfilment workflow of this suborder is not running; ask an operator to "
        f"look at suborder-{row.suborder_id} in the Temporal Web UI.",
        {"row": row},
    )
