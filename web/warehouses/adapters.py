"""The warehouse use cases' real ports (web/warehouses/use_cases.py):

    PostgresWarehouseReads  warehouses and suborders from PostgreSQL (the source of truth)
    RedisQueueStream        the queue stream's "new" marks (db/redis/warehouse_queue.py)
    TemporalFulfilment      the suborder workflow's confirm_shipped / confirm_delivered
                            updates, through web/temporal_gateway.py
    PostgresShelves         restock (db/postgres/restock.py), corrections down
                            (db/postgres/stock_corrections.py) and the search in-stock flag

Each is checked against its fake (tests/fakes/warehouses.py) by
tests/web/test_warehouse_contracts.py.
"""

from __future__ import annotations

import logging
import os
import socket
from collections.abc import Callable, Sequence
from datetime import datetime

import redis
import typesense
from sqlalchemy import func, select, tuple_
from sqlalchemy.orm import Session, sessionmaker
from temporalio.client import Client
from werkzeug.exceptions import ServiceUnavailable

from db.postgres import restock as stock
from db.postgres import stock_corrections as corrections
from db.postgres.models import Suborder, Warehouse
from db.redis.warehouse_queue import QueueEntry, WarehouseQueue
from db.search.index import SearchIndex
from domain.order import SuborderStatus as SS
from domain.refusals import RefusalKind
from web.refusals import Refused
from web.suborder_adapters import suborder_rows
from web.suborder_reads import SuborderRow
from web.temporal_gateway import (
    TemporalGateway,
    TemporalUnavailable,
    WorkflowClosed,
    WorkflowNotFound,
    WorkflowRefused,
    temporal_call,
)
from web.warehouses.parsing import encode_cursor, is_suborder_id
from web.warehouses.use_cases import (
    StreamEntry,
    SuborderPage,
    SuborderRefused,
    SuborderWorkflowGone,
    WarehouseView,
)
from workflows.order_messages import NOT_SHIPPED, suborder_workflow_id
from workflows.suborder import SuborderWorkflow

log = logging.getLogger(__name__)

# One consumer per web process: a crashed process's pending entries are reclaimed by
# the others (XAUTOCLAIM) once idle.
CONSUMER = f"web-{socket.gethostname()}-{os.getpid()}"
# The update answers once the mark_shipped / mark_delivered activity has committed;
# those take milliseconds, so this only trips when Temporal or the worker is stuck.
UPDATE_TIMEOUT = 30.0


class PostgresWarehouseReads:
    """Queues over the `ix_warehouse_orders_queue (warehouse_id, status, created_at)` index."""

    def __init__(self, sessions: sessionmaker[Session]) -> None:
        self._sessions = sessions

    def list_warehouses(self) -> list[WarehouseView]:
        waiting = (
            select(Suborder.warehouse_id, func.count().label("n"))
            .where(Suborder.status == SS.ASSIGNED)
            .group_by(Suborder.warehouse_id)
            .subquery()
        )
        with self._sessions() as session:
            rows = session.execute(
                select(Warehouse, func.coalesce(waiting.c.n, 0))
                .outerjoin(waiting, waiting.c.warehouse_id == Warehouse.id)
                .order_by(Warehouse.id)
            )
            return [_warehouse(w, n) for w, n in rows]

    def find_warehouse(self, warehouse_id: int) -> WarehouseView | None:
        with self._sessions() as session:
            warehouse = session.get(Warehouse, warehouse_id)
            if warehouse is None:
                return None
            assigned = session.scalar(
                select(func.count())
                .select_from(Suborder)
                .where(Suborder.warehouse_id == warehouse_id, Suborder.status == SS.ASSIGNED)
            )
            return _warehouse(warehouse, assigned or 0)

    def list_suborders(
        self, warehouse_id: int, status: SS, *, limit: int, after: tuple[datetime, str] | None
    ) -> SuborderPage:
        query = select(Suborder).where(
            Suborder.warehouse_id == warehouse_id, Suborder.status == status
        )
        if after is not None:
            query = query.where(tuple_(Suborder.created_at, Suborder.id) > after)
        query = query.order_by(Suborder.created_at, Suborder.id).limit(limit + 1)
        with self._sessions() as session:
            found = list(session.scalars(query))
            rows = suborder_rows(session, found[:limit])
        next_cursor = encode_cursor(rows[-1]) if len(found) > limit else None
        return SuborderPage(tuple(rows), next_cursor, limit)

    def find_suborder(self, warehouse_id: int, suborder_id: str) -> SuborderRow | None:
        if not is_suborder_id(suborder_id):
            return None
        with self._sessions() as session:
            suborder = session.get(Suborder, suborder_id, populate_existing=True)
            if suborder is None or suborder.warehouse_id != warehouse_id:
                return None
            return suborder_rows(session, [suborder])[0]

    def suborder_statuses(self, suborder_ids: Sequence[str]) -> dict[str, str]:
        if not suborder_ids:
            return {}
        with self._sessions() as session:
            rows = session.execute(
                select(Suborder.id, Suborder.status).where(Suborder.id.in_(list(suborder_ids)))
            )
            return {row.id: SS(row.status).value for row in rows}


def _warehouse(warehouse: Warehouse, assigned: int) -> WarehouseView:
    return WarehouseView(
        warehouse.id, warehouse.name, warehouse.region, bool(warehouse.active), int(assigned)
    )


class RedisQueueStream:
    """Redis down: PostgreSQL still lists every suborder; only the "new" marks are lost,
    and an acknowledgement waits for the next look (which reclaims the entry)."""

    def __init__(self, client: redis.Redis) -> None:
        self._queue = WarehouseQueue(client)

    def read(self, warehouse_id: int) -> list[StreamEntry]:
        try:
            read = self._queue.read(warehouse_id, CONSUMER)
        except redis.RedisError as error:
            log.warning("warehouse %s: queue stream unreadable: %s", warehouse_id, error)
            return []
        return [StreamEntry(e.entry_id, e.suborder_id, True) for e in read.new] + [
            StreamEntry(e.entry_id, e.suborder_id, False) for e in read.reclaimed
        ]

    def ack_entries(self, warehouse_id: int, entries: list[StreamEntry]) -> None:
        plain = [QueueEntry(e.entry_id, e.suborder_id, "") for e in entries]
        self._ack(lambda: self._queue.ack_entries(warehouse_id, plain))

    def ack_suborder(self, warehouse_id: int, suborder_id: str) -> None:
        self._ack(lambda: self._queue.ack_suborder(warehouse_id, suborder_id))

    @staticmethod
    def _ack(action: Callable[[], object]) -> None:
        try:
            action()
        except redis.RedisError as error:
            log.warning("warehouse queue acknowledgement postponed: %s", error)


class FulfilmentUnavailable(ServiceUnavailable):
    description = (
        "Fulfilment is unavailable right now, so nothing was changed. Please try again in a moment."
    )


class TemporalFulfilment:
    """The child workflow `suborder-<suborderID>`'s updates; they answer once the worker
    has written the new status."""

    def __init__(self, gateway: TemporalGateway | None) -> None:
        self._gateway = gateway

    def confirm_shipped(self, suborder_id: str) -> None:
        self._update(suborder_id, SuborderWorkflow.confirm_shipped)

    def confirm_delivered(self, suborder_id: str) -> None:
        self._update(suborder_id, SuborderWorkflow.confirm_delivered)

    def _update(self, suborder_id: str, update: Callable) -> str:
        async def run(client: Client) -> str:
            handle = client.get_workflow_handle_for(
                SuborderWorkflow.run, suborder_workflow_id(suborder_id)
            )
            return await handle.execute_update(update)

        try:
            return temporal_call(
                self._gateway, run, timeout=UPDATE_TIMEOUT, what="warehouse portal"
            )
        except WorkflowRefused as refusal:
            raise SuborderRefused(refusal.kind == NOT_SHIPPED, refusal.message) from refusal
        except (WorkflowClosed, WorkflowNotFound) as error:
            # "workflow execution already completed" or "workflow not found".
            raise SuborderWorkflowGone() from error
        except TemporalUnavailable as error:
            # Nothing changed: the 503 page / JSON says so (werkzeug's error handling).
            raise FulfilmentUnavailable() from error


class PostgresShelves:
    def __init__(
        self, sessions: sessionmaker[Session], typesense_client: typesense.Client, collection: str
    ) -> None:
        self._sessions = sessions
        self._index = SearchIndex(typesense_client, collection)

    def restock(
        self, warehouse_id: int, item_id: int, quantity: int, key: str | None
    ) -> stock.RestockResult | Refused:
        try:
            return stock.restock(self._sessions, warehouse_id, item_id, quantity, key=key)
        except stock.RestockError as error:
            return _restock_refusal(error)

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
    ) -> corrections.Correction | Refused:
        try:
            return corrections.correct_down(
                self._sessions, warehouse_id, item_id, units,
                reason=reason, note=note, user_id=user_id, key=key,
            )  # fmt: skip
        except corrections.TooManyToRemove as error:
            return Refused(
                RefusalKind.TOO_MANY_TO_REMOVE, str(error), {"removable": error.removable}
            )
        except corrections.InvalidCorrection as error:
            return Refused(RefusalKind.INVALID_QUANTITY, str(error))
        except stock.RestockError as error:
            return _restock_refusal(error)

    def corrections(self, warehouse_id: int) -> list[corrections.Correction]:
        return corrections.recent_corrections(self._sessions, warehouse_id)

    def refresh_search(self, item_id: int) -> bool:
        return stock.refresh_in_stock_flag(self._sessions, self._index, item_id)


def _restock_refusal(error: stock.RestockError) -> Refused:
    """A refusal restocks and corrections share (unknown warehouse or item, ...)."""
    if isinstance(error, stock.UnknownWarehouse):
        return Refused(RefusalKind.NOT_FOUND, str(error))
    if isinstance(error, stock.UnknownItem):
        return Refused(RefusalKind.NO_SUCH_ITEM, str(error))
    if isinstance(error, stock.WarehouseInactive):
        return Refused(RefusalKind.WAREHOUSE_INACTIVE, str(error))
    if isinstance(error, stock.IdempotencyKeyReused):
        return Refused(RefusalKind.KEY_REUSED, str(error))
    return Refused(RefusalKind.INVALID_QUANTITY, str(error))
