"""The returns' ports over the real parts: PostgreSQL (db/postgres/returns.py) and each
return's ReturnWorkflow through web/temporal_gateway.py."""

from __future__ import annotations

import secrets
from collections.abc import Mapping, Sequence
from datetime import UTC, datetime

from sqlalchemy import delete
from sqlalchemy.orm import Session, sessionmaker
from temporalio.client import Client, WorkflowHandle
from temporalio.common import WorkflowIDConflictPolicy, WorkflowIDReusePolicy
from temporalio.exceptions import WorkflowAlreadyStartedError

from db.postgres import returns as sql
from db.postgres.models import ProductReturn
from db.postgres.order_timeline import append_event
from db.postgres.returns import ReturnRow
from domain.money import format_cents
from domain.refusals import Refusal
from domain.returns import plan_return, returnable_now
from web.returns.ports import Unavailable
from web.temporal_gateway import (
    TemporalGateway,
    TemporalUnavailable,
    WorkflowClosed,
    WorkflowNotFound,
    WorkflowRefused,
    temporal_call,
)
from workflows.return_messages import ReturnInput, return_workflow_id
from workflows.returns import ReturnWorkflow

START_TIMEOUT = 10.0
# The update answers once `mark_received` has committed: one short activity.
RECEIVE_TIMEOUT = 30.0
AUTHORIZED_EVENT = "return-authorized"


def new_return_id() -> str:
    """`RT-` and 12 hex digits: short enough to write on a parcel, never guessed."""
    return f"RT-{secrets.token_hex(6).upper()}"


class SqlReturns:
    def __init__(self, sessions: sessionmaker[Session]) -> None:
        self._sessions = sessions

    def authorize(
        self, user_id: int, order_id: str, asked: Mapping[int, int], reason: str
    ) -> list[ReturnRow] | Refusal | None:
        with self._sessions.begin() as session:
            order = sql.lock_order(session, order_id, user_id)
            if order is None:
                return None
            prices = {line.item_id: line.unit_price for line in order.lines}
            planned = plan_return(
                asked, sql.delivered_parcels(session, order_id), prices, datetime.now(UTC)
            )
            if isinstance(planned, Refusal):
                return planned
            ids = []
            for parcel in planned:
                return_id = new_return_id()
                sql.add_return(session, return_id, order, parcel, reason)
                append_event(
                    session,
                    order_id,
                    f"{AUTHORIZED_EVENT}:{return_id}",
                    f"Return {return_id} authorised: {format_cents(parcel.refund)} "
                    "refunded once the warehouse receives it",
                )
                ids.append(return_id)
            session.flush()
            return [sql.find_return(session, return_id) for return_id in ids]  # type: ignore[misc]

    def returnable(self, user_id: int, order_id: str) -> dict[int, tuple[str, int]] | None:
        with self._sessions() as session:
            if sql.owner_of(session, order_id) != user_id:
                return None
            units = returnable_now(sql.delivered_parcels(session, order_id), datetime.now(UTC))
            names = sql.line_names(session, order_id)
        return {item: (names.get(item, f"item {item}"), n) for item, n in sorted(units.items())}

    def forget(self, return_ids: Sequence[str]) -> None:
        with self._sessions.begin() as session:
            session.execute(delete(ProductReturn).where(ProductReturn.id.in_(list(return_ids))))

    def order_returns(self, user_id: int, order_id: str) -> list[ReturnRow] | None:
        with self._sessions() as session:
            if sql.owner_of(session, order_id) != user_id:
                return None
            return sql.returns_of_order(session, order_id)

    def find(self, user_id: int, order_id: str, return_id: str) -> ReturnRow | None:
        with self._sessions() as session:
            if sql.owner_of(session, order_id) != user_id:
                return None
            return sql.find_return(session, return_id, order_id=order_id)

    def find_at(self, warehouse_id: int, return_id: str) -> ReturnRow | None:
        with self._sessions() as session:
            return sql.find_return(session, return_id, warehouse_id=warehouse_id)

    def awaiting(self, warehouse_id: int) -> list[ReturnRow]:
        with self._sessions() as session:
            return sql.awaiting_receipt(session, warehouse_id)


class TemporalReturns:
    def __init__(self, gateway: TemporalGateway | None, task_queue: str) -> None:
        self._gateway = gateway
        self._task_queue = task_queue

    async def _start(self, client: Client, row: ReturnRow) -> WorkflowHandle:
        return await client.start_workflow(
            ReturnWorkflow.run,
            ReturnInput(row.return_id, row.order_id, row.refund_amount),
            id=return_workflow_id(row.return_id),
            task_queue=self._task_queue,
            # Running: that run; ended: never a second one (its refund was given once).
            id_conflict_policy=WorkflowIDConflictPolicy.USE_EXISTING,
            id_reuse_policy=WorkflowIDReusePolicy.REJECT_DUPLICATE,
        )

    def start(self, row: ReturnRow) -> bool:
        async def run(client: Client) -> None:
            await self._start(client, row)

        try:
            temporal_call(self._gateway, run, timeout=START_TIMEOUT, what="returns")
        except TemporalUnavailable:
            return False
        except WorkflowAlreadyStartedError:
            return True  # started and already ended: it was carried
        return True

    def receive(self, row: ReturnRow) -> str | Unavailable:
        async def run(client: Client) -> str:
            try:
                # Starting first heals a return whose start was lost with its web process.
                handle = await self._start(client, row)
            except WorkflowAlreadyStartedError:
                raise WorkflowClosed() from None
            return (await handle.execute_update(ReturnWorkflow.receive)).status

        try:
            return temporal_call(self._gateway, run, timeout=RECEIVE_TIMEOUT, what="returns")
        except (WorkflowClosed, WorkflowNotFound, WorkflowRefused):
            return row.status  # the run ended (or lapsed): the row has the last word
        except TemporalUnavailable:
            return Unavailable()
