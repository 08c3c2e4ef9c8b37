"""Correcting a warehouse's stock down, once for the portal page and the API (docs/staff.md):

    correct_down(portal, access, w, item, n, reason=..., note=..., user_id=..., key=...)
        units off the shelf with a reason (damaged, lost, a recount, other + a note), at
        most what may go (domain/stock.py `removable_units`), then the search flag
    corrections(portal, access, w)          the warehouse's latest corrections

Like every portal use case it first asks `WarehousePortal.warehouse` (a warehouse the
account does not work in is NOT_FOUND), then the portal's `Shelves` port.
"""

from __future__ import annotations

from dataclasses import dataclass

from db.postgres.stock_corrections import Correction
from domain.roles import Access
from web.refusals import Refused
from web.warehouses.use_cases import WarehousePortal


@dataclass(frozen=True)
class Corrected:
    correction: Correction
    search_updated: bool


def correct_down(
    portal: WarehousePortal,
    access: Access,
    warehouse_id: int | None,
    item_id: int,
    units: int,
    *,
    reason: str,
    note: str,
    user_id: int,
    key: str | None = None,
) -> Corrected | Refused:
    warehouse = portal.warehouse(access, warehouse_id)
    if isinstance(warehouse, Refused):
        return warehouse
    result = portal.shelves.correct_down(
        warehouse.id, item_id, units, reason=reason, note=note, user_id=user_id, key=key
    )
    if isinstance(result, Refused):
        return result
    return Corrected(result, portal.shelves.refresh_search(item_id))


def corrections(
    portal: WarehousePortal, access: Access, warehouse_id: int | None
) -> list[Correction] | Refused:
    warehouse = portal.warehouse(access, warehouse_id)
    if isinstance(warehouse, Refused):
        return warehouse
    return portal.shelves.corrections(warehouse.id)
