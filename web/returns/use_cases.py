"""What returns do, once, for the order page, the portal and the JSON API alike
(docs/returns.md).

    request_return(store, workflows, user, order, asked, reason)   one return per parcel
    return_status(store, user, order, return)                      a return as it stands
    receive_return(store, workflows, access, warehouse, return)    the warehouse has it
    order_returns(store, user, order)                              the order page's part
    awaiting_returns(store, access, warehouse)                     the portal's list

A foreign order or return answers exactly as a missing one (404); a warehouse the
account does not work in, or another warehouse's return, likewise. The rules
themselves are domain/returns.py's.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, replace

from db.postgres.returns import ReturnRow
from domain.refusals import Refusal, RefusalKind
from domain.roles import Access
from web.refusals import Refused
from web.returns.ports import ReturnStore, ReturnWorkflows, Unavailable

# Order ids (web/orders/reads.py's shape) and return numbers (`RT-…`): anything else (NUL
# bytes, 10 kB of text) is no id, answered as not found before PostgreSQL is asked.
_ID = re.compile(r"[A-Za-z0-9_-]{1,64}")

NOT_FOUND = Refused(RefusalKind.ORDER_NOT_YOURS, "We couldn't find that order in your orders.")
RETURN_NOT_FOUND = Refused(RefusalKind.RETURN_NOT_FOUND, "There is no such return.")
UNAVAILABLE = Refused(
    RefusalKind.RETURNS_UNAVAILABLE,
    "Returns cannot be handled right now; nothing was changed. Please try again shortly.",
)


def request_return(
    store: ReturnStore,
    workflows: ReturnWorkflows,
    user_id: int,
    order_id: str,
    asked: Mapping[int, int],
    reason: str,
) -> list[ReturnRow] | Refused:
    if not _ID.fullmatch(order_id):
        return NOT_FOUND
    created = store.authorize(user_id, order_id, asked, reason)
    if created is None:
        return NOT_FOUND
    if isinstance(created, Refusal):  # the rule's (domain/returns.py)
        return Refused.of(created)
    not_started = [row.return_id for row in created if not workflows.start(row)]
    if not_started:
        # A return nobody carries would wait forever: take back what did not start.
        store.forget(not_started)
        return UNAVAILABLE
    return created


def return_status(
    store: ReturnStore, user_id: int, order_id: str, return_id: str
) -> ReturnRow | Refused:
    if not (_ID.fullmatch(order_id) and _ID.fullmatch(return_id)):
        return RETURN_NOT_FOUND
    found = store.find(user_id, order_id, return_id)
    return RETURN_NOT_FOUND if found is None else found


def receive_return(
    store: ReturnStore,
    workflows: ReturnWorkflows,
    access: Access,
    warehouse_id: int | None,
    return_id: str,
) -> ReturnRow | Refused:
    if warehouse_id is None or not access.works_in(warehouse_id) or not _ID.fullmatch(return_id):
        return RETURN_NOT_FOUND
    row = store.find_at(warehouse_id, return_id)
    if row is None:
        return RETURN_NOT_FOUND
    status = workflows.receive(row)
    if isinstance(status, Unavailable):
        return UNAVAILABLE
    # The update answers once the row says RECEIVED (or later): read it again.
    return store.find_at(warehouse_id, return_id) or replace(row, status=status)


@dataclass(frozen=True)
class OrderReturns:
    """The order page's returns: those made, and what may still be sent back now."""

    order_id: str
    returns: tuple[ReturnRow, ...]
    returnable: dict[int, tuple[str, int]]  # item id -> (name, units)


def order_returns(store: ReturnStore, user_id: int, order_id: str) -> OrderReturns | Refused:
    if not _ID.fullmatch(order_id):
        return NOT_FOUND
    made = store.order_returns(user_id, order_id)
    offer = store.returnable(user_id, order_id)
    if made is None or offer is None:
        return NOT_FOUND
    return OrderReturns(order_id, tuple(made), offer)


def awaiting_returns(
    store: ReturnStore, access: Access, warehouse_id: int | None
) -> tuple[int, list[ReturnRow]] | Refused:
    if warehouse_id is None or not access.works_in(warehouse_id):
        return RETURN_NOT_FOUND
    return warehouse_id, store.awaiting(warehouse_id)
