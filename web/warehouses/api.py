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

suborder = {suborderID, orderID, warehouseID, status, createdAt, shippedAt,
deliveredAt, shippingAddress, lines: [{itemID, name, quantity}]}.

No token: 401; a shopper's token: 403. Unknown warehouse or suborder (another
warehouse's suborder too): 404. Shipping twice: 200 with the current status. Shipping
a cancelled suborder, or delivering before shipping: 409 with a message. Temporal
unreachable: 503, nothing changed.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask import Blueprint, Response, request

from domain.order import SuborderStatus
from web.current_user import staff_required
from web.formatting import utc_iso
from web.headers import keep_private
from web.idempotency import HEADER, idempotent
from web.json_io import address_json, api_error, private_json, read_json_object, require_int
from web.services import services
from web.suborder_reads import SuborderRow
from web.warehouses import operations as ops
from web.warehouses import reads
from web.warehouses.reads import WarehouseView

bp = Blueprint("api_warehouses", __name__, url_prefix="/api/v1/warehouses")
keep_private(bp)


@bp.get("")
@staff_required
def get_warehouses() -> Response:
    with services().sessions() as session:
        warehouses = reads.list_warehouses(session)
    return private_json({"warehouses": [warehouse_json(w) for w in warehouses]})


@bp.get("/<warehouse_id>/suborders")
@staff_required
def get_suborders(warehouse_id: str) -> Response:
    warehouse = ops.warehouse_or_404(reads.parse_warehouse_id(warehouse_id))
    status = reads.parse_status(request.args.get("status"))
    limit = reads.parse_limit(request.args.get("limit"))
    after = reads.decode_cursor(request.args.get("nextCursor"))
    new_ids: frozenset[str] = frozenset()
    if status is SuborderStatus.ASSIGNED:
        queue = ops.assigned_queue(warehouse.id, limit=limit, after=after)
        page, new_ids = queue.page, queue.new_ids
    else:
        with services().sessions() as session:
            page = reads.list_suborders(session, warehouse.id, status, limit=limit, after=after)
    return private_json(
        {
            "warehouseID": warehouse.id,
            "status": status.value,
            "suborders": [
                suborder_json(
                    row,
                    new=row.suborder_id in new_ids if status is SuborderStatus.ASSIGNED else None,
                )
                for row in page.rows
            ],
            "nextCursor": page.next_cursor,
            "limit": page.limit,
        }
    )


@bp.post("/<warehouse_id>/suborders/<suborder_id>/ship")
@staff_required
def ship(warehouse_id: str, suborder_id: str) -> Response:
    return _suborder_answer(warehouse_id, suborder_id, ops.ship)


@bp.post("/<warehouse_id>/suborders/<suborder_id>/deliver")
@staff_required
def deliver(warehouse_id: str, suborder_id: str) -> Response:
    return _suborder_answer(warehouse_id, suborder_id, ops.deliver)


@bp.post("/<warehouse_id>/restock")
@staff_required
def restock(warehouse_id: str) -> Response:
    warehouse = ops.warehouse_or_404(reads.parse_warehouse_id(warehouse_id))
    key = request.headers.get(HEADER)
    # The Redis layer replays the stored answer; the key also goes to PostgreSQL with
    # the units (db/postgres/restock.py), so even with Redis down they are added once.
    return idempotent(
        f"RESTOCK:{warehouse.id}", lambda: _restock(warehouse, key.strip() if key else None)
    )


def _restock(warehouse: WarehouseView, key: str | None) -> Response:
    payload = read_json_object()
    item_id, quantity = require_int(payload, "itemID"), require_int(payload, "quantity")
    try:
        outcome = ops.restock(warehouse.id, item_id, quantity, key=key)
    except ops.PortalRefused as refused:
        return api_error(refused.status, refused.code, refused.message)
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
        answer["message"] = ops.SEARCH_NOT_UPDATED
    return private_json(answer)


def _suborder_answer(
    warehouse_id: str, suborder_id: str, action: Callable[[int, str], SuborderRow]
) -> Response:
    warehouse = ops.warehouse_or_404(reads.parse_warehouse_id(warehouse_id))
    try:
        row = action(warehouse.id, suborder_id)
    except ops.PortalRefused as refused:
        return api_error(refused.status, refused.code, refused.message, suborderID=suborder_id[:64])
    return private_json(suborder_json(row))


def warehouse_json(warehouse: WarehouseView) -> dict[str, Any]:
    return {
        "warehouseID": warehouse.id,
        "name": warehouse.name,
        "region": warehouse.region,
        "active": warehouse.active,
        "assignedCount": warehouse.assigned,
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
