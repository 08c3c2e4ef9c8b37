"""The one place that takes row locks.

Every transaction that locks several rows of a table locks them here, in primary-key
order. Two transactions that both lock items 3 and 7 then both wait on 3 first, so
neither can hold 7 while waiting for 3: no deadlock, whatever the cart order was.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, TypeVar

from sqlalchemy import Row, Table, select
from sqlalchemy.orm import DeclarativeBase, Session

M = TypeVar("M", bound=DeclarativeBase)


def _single_key(table: Table):
    columns = list(table.primary_key.columns)
    if len(columns) != 1:
        raise TypeError(
            f"lock_rows needs a single-column primary key; {table.name} has {len(columns)}"
        )
    return columns[0]


def lock_rows(session: Session, model_or_table: type[M] | Table, ids: Iterable[Any]) -> list:
    """SELECT … FOR UPDATE the rows with these primary keys, in key order; returns them in that order.

    A model gives model instances (refreshed from the database), a Table gives Rows.
    Ids that match no row are simply absent from the result: the caller decides
    whether that is an error.
    """
    wanted = sorted(set(ids))
    if not wanted:
        return []
    if isinstance(model_or_table, Table):
        key = _single_key(model_or_table)
        statement = select(model_or_table).where(key.in_(wanted)).order_by(key).with_for_update()
        rows: list[Row] = list(session.execute(statement))
        return rows
    key = _single_key(model_or_table.__table__)
    statement = (
        select(model_or_table)
        .where(key.in_(wanted))
        .order_by(key)
        .with_for_update()
        .execution_options(populate_existing=True)
    )
    return list(session.scalars(statement))
