"""The warehouse staff API under /api/v1/warehouses (staff bearer tokens only).

    GET  /api/v1/warehouses
         -> {warehouses: [{warehouseID, name, region, active, assignedCount}]}
    GET  /api/v1/warehouses/<id>/suborders?status=ASSIGNED&limit=50&nextCursor=…
         -> {warehouseID, status, suborders: [suborder], nextCursor, limit}
            oldest first; status ASSIGNED (default) | SHIPPED | DELIVERED | CANCELLED;
            for ASSIGNED each suborder says `new: true` when it arrived since the portal
            last read the warehouse's queue stream
    POST /api/v1/warehouses/<id>/suborders/<suborderID>/ship     -> 200 suborder
    POST /api/v1/warehouses/<id>/suborders/<suborderID>/deliver  -> 200 suborder
    POST /api/v1/warehouses/<id>/restock {itemID, quantity}   [Idempotency-Key]
         -> 200 {warehouseID, itemID, name, quantity, physicalStock, availableStock,
                 aggregatedStock, searchIndexUpdated[, message]}
            the same key again: the same answer, units added once; the same key with
            another item or quantity: 422
    POST /api/v1/warehouses/<id>/restock {itemID, quantity: -n, reason[, note]}
         a correction down (docs/staff.md): the same answer plus reason, note; more
         than may go: 409 too_many_to_remove with `removable`
    GET  /api/v1/warehouses/<id>/corrections -> {corrections: [correction]} newest first

suborder = {suborderID, orderID, warehouseID, status, createdAt, shippedAt,
deliveredAt, shippingAddress, lines: [{itemID, name, quantity}]}.

No token: 401; a token without the warehouse portal (a shopper's): 403. Unknown
warehouse or suborder, another warehouse's suborder, and a warehouse the account does
not work in (domain/roles.py): 404. Shipping twice: 200 with the current status. Shipping
a cancelled suborder, or delivering before shipping: 409 with a message. Temporal
unreachable: 503, nothing changed.
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Response, request
from werkzeug.exceptions import NotFound

from db.postgres.stock_corrections import Correction
from domain.order import SuborderStatus
from domain.refusals import RefusalKind
from domain.roles import Access, Permission
from domain.stock import CorrectionReason
from web.current_user import current_user, current_user_id, permission_required
from web.errors import BadRequest
from web.formatting import utc_iso
from web.headers import keep_private
from web.idempotency import HEADER, idempotent
from web.json_io import (
    address_json,
    api_error,
    private_json,
    read_json_object,
    require_int,
    require_str,
)
from web.refusals import Refused
from web.services import services
from web.suborder_reads import SuborderRow
from web.warehouses import corrections, parsing
from web.warehouses.use_cases import (
    SEARCH_NOT_UPDATED,
    SuborderList,
    WarehousePortal,
    WarehouseView,
)

bp = Blueprint("api_warehouses", __name__, url_prefix="/api/v1/warehouses")
keep_private(bp)
staff_only = permission_required(Permission.WAREHOUSE_PORTAL)


@bp.get("")
@staff_only
def get_warehouses() -> Response:
    warehouses = _portal().warehouses(_access())
    return private_json({"warehouses": [warehouse_json(w) for w in warehouses]})


@bp.get("/<warehouse_id>/suborders")
@staff_only
def get_suborders(warehouse_id: str) -> Response:
    listed = _portal().suborders(
        _access(),
        parsing.parse_warehouse_id(warehouse_id),
        parsing.parse_status(request.args.get("status")),
        limit=parsing.parse_limit(request.args.get("limit")),
        after=parsing.decode_cursor(request.args.get("nextCursor")),
    )
    if isinstance(listed, Refused):
        return _refused(listed)
    return private_json(suborder_list_json(listed))


@bp.post("/<warehouse_id>/suborders/<suborder_id>/ship")
@staff_only
def ship(warehouse_id: str, suborder_id: str) -> Response:
    row = _portal().ship(_access(), parsing.parse_warehouse_id(warehouse_id), suborder_id)
    return _suborder_answer(row, suborder_id)


@bp.post("/<warehouse_id>/suborders/<suborder_id>/deliver")
@staff_only
def deliver(warehouse_id: str, suborder_id: str) -> Response:
    row = _portal().deliver(_access(), parsing.parse_warehouse_id(warehouse_id), suborder_id)
    return _suborder_answer(row, suborder_id)


@bp.post("/<warehouse_id>/restock")
@staff_only
def restock(warehouse_id: str) -> Response:
    warehouse = _portal().warehouse(_access(), parsing.parse_warehouse_id(warehouse_id))
    if isinstance(warehouse, Refused):
        return _refused(warehouse)
    key = request.headers.get(HEADER)
    # The Redis layer replays the stored answer; the key also goes to PostgreSQL with
    # the units (db/postgres/restock.py), so even with Redis down they are added once.
    return idempotent(
        f"RESTOCK:{warehouse.id}", lambda: _restock(warehouse, key.strip() if key else None)
    )


@bp.get("/<warehouse_id>/corrections")
@staff_only
def get_corrections(warehouse_id: str) -> Response:
    found = corrections.corrections(_portal(), _access(), parsing.parse_warehouse_id(warehouse_id))
    if isinstance(found, Refused):
        return _refused(found)
    return private_json({"corrections": [correction_json(c) for c in found]})


def _restock(warehouse: WarehouseView, key: str | None) -> Response:
    payload = read_json_object()
    item_id, quantity = require_int(payload, "itemID"), require_int(payload, "quantity")
    if quantity < 0 or "reason" in payload:
        return _correct(warehouse, key, payload, item_id, quantity)
    outcome = _portal().restock(_access(), warehouse.id, item_id, quantity, key=key)
    if isinstance(outcome, Refused):
        return _refused(outcome)
    result = outcome.result
    answer: dict[str, Any] = {
        "warehouseID": result.warehouse_id,
        "itemID": result.item_id,
        "name": result.item_name,
        "quantity": result.quantity,
        "physicalStock": result.physical_stock,
        "availableStock": result.available_stock,
        "aggregatedStock": result.aggregated_stock,
        "searchIndexUpdated": outcome.search_updated,
    }
    if not outcome.search_updated:
        answer["message"] = SEARCH_NOT_UPDATED
    return private_json(answer)


def _correct(
    warehouse: WarehouseView, key: str | None, payload: dict[str, Any], item_id: int, quantity: int
) -> Response:
    if quantity >= 0:
        raise BadRequest("A reason goes with a correction down: send a negative quantity.")
    if payload.get("reason") is None:
        raise BadRequest(
            "A negative quantity removes units (a correction down): say why with reason, one "
            "of " + ", ".join(CorrectionReason) + "."
        )
    reason = require_str(payload, "reason")
    note = payload.get("note", "")
    if not isinstance(note, str):
        raise BadRequest("note must be a string.")
    outcome = corrections.correct_down(
        _portal(),
        _access(), warehouse.id, item_id, -quantity, reason=reason, note=note.strip(),
        user_id=current_user_id(), key=key,
    )  # fmt: skip
    if isinstance(outcome, Refused):
        return _refused(outcome)
    answer = correction_json(outcome.correction)
    answer["searchIndexUpdated"] = outcome.search_updated
    if not outcome.search_updated:
        answer["message"] = SEARCH_NOT_UPDATED
    return private_json(answer)


def correction_json(correction: Correction) -> dict[str, Any]:
    return {
        "warehouseID": correction.warehouse_id,
        "itemID": correction.item_id,
        "name": correction.item_name,
        "quantity": correction.delta,
        "reason": correction.reason,
        "note": correction.note,
        "by": correction.user_id,
        "at": utc_iso(correction.created_at),
        "physicalStock": correction.physical_stock,
        "availableStock": correction.available_stock,
        "aggregatedStock": correction.aggregated_stock,
    }


def _suborder_answer(row: SuborderRow | Refused, suborder_id: str) -> Response:
    return (
        _refused(row, suborder_id) if isinstance(row, Refused) else private_json(suborder_json(row))
    )


def _portal() -> WarehousePortal:
    return services().warehouses


def _access() -> Access:
    user = current_user()
    assert user is not None, "behind @permission_required"
    return user.access


def _refused(refused: Refused, suborder_id: str | None = None) -> Response:
    if refused.kind is RefusalKind.NOT_FOUND:
        raise NotFound(description=refused.message)
    details: dict[str, Any] = {} if suborder_id is None else {"suborderID": suborder_id[:64]}
    if "removable" in refused.details:
        details["removable"] = refused.details["removable"]
    return api_error(refused.status, refused.code, refused.message, **details)


def warehouse_json(warehouse: WarehouseView) -> dict[str, Any]:
    return {
        "warehouseID": warehouse.id,
        "name": warehouse.name,
        "region": warehouse.region,
        "active": warehouse.active,
        "assignedCount": warehouse.assigned,
    }


def suborder_list_json(listed: SuborderList) -> dict[str, Any]:
    """One page of a warehouse's suborders; an ASSIGNED page says which are new."""
    assigned = listed.status is SuborderStatus.ASSIGNED
    return {
        "warehouseID": listed.warehouse.id,
        "status": listed.status.value,
        "suborders": [
            suborder_json(row, new=row.suborder_id in listed.new_ids if assigned else None)
            for row in listed.page.rows
        ],
        "nextCursor": listed.page.next_cursor,
        "limit": listed.page.limit,
    }


def suborder_json(row: SuborderRow, *, new: bool | None = None) -> dict[str, Any]:
    answer: dict[str, Any] = {
        "suborderID": row.suborder_id,
        "orderID": row.order_id,
        "warehouseID": row.warehouse_id,
        "status": row.status,
        "createdAt": utc_iso(row.created_at),
        "shippedAt": utc_iso(row.shipped_at),
        "deliveredAt": utc_iso(row.delivered_at),
        "shippingAddress": address_json(row.shipping_address),
        "lines": [
            {"itemID": line.item_id, "name": line.name, "quantity": line.quantity}
            for line in row.lines
        ],
    }
    if new is not None:
        answer["new"] = new
    return answer
