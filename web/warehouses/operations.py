"""What the warehouse portal does, for the browser pages and the JSON API alike.

    assigned_queue(w)       the suborders waiting to ship (PostgreSQL), the new ones marked
                            (the Redis stream: see db/redis/warehouse_queue.py)
    ship(w, s), deliver(w, s)
                            through the suborder's workflow (web/warehouses/workflow_client);
                            once it has closed, the database row answers
    restock(w, item, n)     db/postgres/restock.py, then the search in-stock flag

Refusals are `PortalRefused(status, code, message)`; unknown warehouses and suborders
(including another warehouse's suborder) are 404s.
"""

from __future__ import annotations

import contextlib
import logging
import os
import socket
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

import redis
from werkzeug.exceptions import NotFound

from db.postgres import restock as stock
from db.redis.warehouse_queue import QueueEntry, WarehouseQueue
from db.search.index import SearchIndex
from domain.order import SuborderStatus as SS
from web.services import services
from web.suborder_reads import SuborderRow
from web.warehouses import reads
from web.warehouses.reads import SuborderPage, WarehouseView
from web.warehouses.workflow_client import SuborderRefused, SuborderWorkflowGone, suborder_client
from workflows.order_messages import NOT_SHIPPED

log = logging.getLogger(__name__)

# One consumer per web process: a crashed process's pending entries are reclaimed by
# the others (XAUTOCLAIM) once idle.
CONSUMER = f"web-{socket.gethostname()}-{os.getpid()}"

CANCELLED_MESSAGE = "This suborder was cancelled by the shopper: do not ship it."


@dataclass
class PortalRefused(Exception):
    status: int
    code: str
    message: str

    def __str__(self) -> str:
        return self.message


@dataclass(frozen=True)
class QueueView:
    page: SuborderPage
    new_ids: frozenset[str]  # arrived since the portal last looked


@dataclass(frozen=True)
class RestockOutcome:
    result: stock.RestockResult
    search_updated: bool


def warehouse_or_404(warehouse_id: int | None) -> WarehouseView:
    warehouse = None
    if warehouse_id is not None:
        with services().sessions() as session:
            warehouse = reads.find_warehouse(session, warehouse_id)
    if warehouse is None:
        raise NotFound(description=f"There is no warehouse {warehouse_id}.")
    return warehouse


def suborder_or_404(warehouse_id: int, suborder_id: str) -> SuborderRow:
    with services().sessions() as session:
        row = reads.find_suborder(session, warehouse_id, suborder_id)
    if row is None:
        raise NotFound(
            description=f"Warehouse {warehouse_id} has no suborder {suborder_id[:64]!r}."
        )
    return row


# --- the queue ----------------------------------------------------------------------


def assigned_queue(
    warehouse_id: int,
    *,
    limit: int = reads.DEFAULT_LIMIT,
    after: tuple[datetime, str] | None = None,
) -> QueueView:
    """Suborders waiting to ship, oldest first, with those new to the portal marked."""
    entries = _read_stream(warehouse_id)
    with services().sessions() as session:
        page = reads.list_suborders(session, warehouse_id, SS.ASSIGNED, limit=limit, after=after)
        statuses = reads.suborder_statuses(session, [e.suborder_id for e in entries])
    # Entries whose suborder is no longer waiting (shipped through the API before the
    # portal read them, cancelled by the shopper, unknown) are handled: acknowledge them.
    handled = [e for e in entries if statuses.get(e.suborder_id) != SS.ASSIGNED.value]
    if handled:
        _ack(lambda q: q.ack_entries(warehouse_id, handled))
    waiting = {row.suborder_id for row in page.rows}
    return QueueView(page, frozenset(e.suborder_id for e in entries if e.new) & waiting)


@dataclass(frozen=True)
class _Read(QueueEntry):
    new: bool = False


def _read_stream(warehouse_id: int) -> list[_Read]:
    """This look's entries: new ones (never delivered before) and reclaimed ones."""
    try:
        read = WarehouseQueue(services().redis).read(warehouse_id, CONSUMER)
    except redis.RedisError as error:
        # PostgreSQL still lists every suborder; only the "new" marks are lost.
        log.warning("warehouse %s: queue stream unreadable: %s", warehouse_id, error)
        return []
    return [_Read(e.entry_id, e.suborder_id, e.order_id, new=True) for e in read.new] + [
        _Read(e.entry_id, e.suborder_id, e.order_id) for e in read.reclaimed
    ]


def _ack(action: Callable[[WarehouseQueue], object]) -> None:
    try:
        action(WarehouseQueue(services().redis))
    except redis.RedisError as error:
        # The entry stays pending; the next look reclaims it, finds it handled, acks it.
        log.warning("warehouse queue acknowledgement postponed: %s", error)


# --- ship / deliver -----------------------------------------------------------------


def ship(warehouse_id: int, suborder_id: str) -> SuborderRow:
    """Mark the suborder shipped; shipping twice (or once delivered) answers the row as is."""
    row = suborder_or_404(warehouse_id, suborder_id)
    if row.status == SS.ASSIGNED.value:
        # A workflow that closed meanwhile (SuborderWorkflowGone): the row says how it ended.
        with contextlib.suppress(SuborderWorkflowGone):
            try:
                suborder_client().confirm_shipped(suborder_id)
            except SuborderRefused as refused:
                raise PortalRefused(409, "refused", refused.message) from refused
        row = suborder_or_404(warehouse_id, suborder_id)
    if row.status == SS.CANCELLED.value:
        _ack(lambda q: q.ack_suborder(warehouse_id, suborder_id))
        raise PortalRefused(409, "cancelled", CANCELLED_MESSAGE)
    if row.status == SS.ASSIGNED.value:
        raise _workflow_missing(suborder_id)
    _ack(lambda q: q.ack_suborder(warehouse_id, suborder_id))
    return row


def deliver(warehouse_id: int, suborder_id: str) -> SuborderRow:
    """Mark a shipped suborder delivered; delivering twice answers the row as is."""
    row = suborder_or_404(warehouse_id, suborder_id)
    if row.status in (SS.ASSIGNED.value, SS.SHIPPED.value):
        try:
            suborder_client().confirm_delivered(suborder_id)
        except SuborderRefused as refused:
            code = "not_shipped" if refused.kind == NOT_SHIPPED else "refused"
            raise PortalRefused(409, code, refused.message) from refused
        except SuborderWorkflowGone:
            pass
        row = suborder_or_404(warehouse_id, suborder_id)
    if row.status == SS.CANCELLED.value:
        raise PortalRefused(409, "cancelled", "This suborder was cancelled; it never shipped.")
    if row.status == SS.ASSIGNED.value:
        raise PortalRefused(
            409, "not_shipped", "This parcel has not shipped yet: mark it shipped first."
        )
    if row.status == SS.SHIPPED.value:
        raise _workflow_missing(suborder_id)
    return row


def _workflow_missing(suborder_id: str) -> PortalRefused:
    log.error("suborder %s: its fulfilment workflow is not running", suborder_id)
    return PortalRefused(
        409,
        "workflow_not_running",
        f"The fulfilment workflow of this suborder is not running; ask an operator to "
        f"look at suborder-{suborder_id} in the Temporal Web UI.",
    )


# --- restock ------------------------------------------------------------------------


def restock(
    warehouse_id: int, item_id: int, quantity: int, *, key: str | None = None
) -> RestockOutcome:
    """`key` (the API's Idempotency-Key, the portal form's hidden key): units added once."""
    s = services()
    try:
        result = stock.restock(s.sessions, warehouse_id, item_id, quantity, key=key)
    except stock.UnknownWarehouse as error:
        raise NotFound(description=str(error)) from error
    except stock.UnknownItem as error:
        raise PortalRefused(404, "unknown_item", str(error)) from error
    except stock.InvalidRestockQuantity as error:
        raise PortalRefused(400, "invalid_quantity", str(error)) from error
    except stock.WarehouseInactive as error:
        raise PortalRefused(409, "warehouse_inactive", str(error)) from error
    except stock.IdempotencyKeyReused as error:
        raise PortalRefused(422, "idempotency_key_reused", str(error)) from error
    index = SearchIndex(s.typesense, s.settings.typesense_collection)
    return RestockOutcome(result, stock.refresh_in_stock_flag(s.sessions, index, item_id))


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
