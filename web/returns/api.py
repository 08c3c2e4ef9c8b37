"""Returns through the API (docs/returns.md, docs/api.md).

    POST /api/v1/orders/<orderID>/returns {lines: [{itemID, quantity}], reason}
         -> 201 {return..., returns: [return, ...]}   one return per parcel; the first
            is the body itself
    GET  /api/v1/orders/<orderID>/returns/<returnID>  -> 200 return
    POST /api/v1/warehouses/<warehouseID>/returns/<returnID>/receive   (warehouse staff)
         -> 200 return (RECEIVED, or later once refunded; a second call changes nothing)

return = {returnID, orderID, warehouseID, status, reason, refundAmount, refunded,
createdAt, receivedAt, refundedAt, lines: [{itemID, name, quantity, unitPrice}]}.

A foreign order or return, another warehouse's return, or a warehouse the account does
not work in: 404. Not delivered yet, past 30 days, more than delivered: 409 with a
message (web/refusals.py). Temporal unreachable: 503, nothing kept.
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Response

from db.postgres.returns import ReturnRow
from domain.returns import ReturnStatus
from domain.roles import Permission
from web.current_user import api_login_required, current_user, current_user_id, permission_required
from web.formatting import utc_iso
from web.headers import keep_private
from web.json_io import private_json, read_json_object
from web.refusals import Refused, refused_json
from web.returns import parsing
from web.returns.use_cases import receive_return, request_return, return_status
from web.services import services

bp = Blueprint("api_returns", __name__, url_prefix="/api/v1")
keep_private(bp)


@bp.post("/orders/<order_id>/returns")
@api_login_required
def create_return(order_id: str) -> Response:
    asked, reason = parsing.parse_return(read_json_object())
    s = services()
    created = request_return(
        s.returns, s.return_workflows, current_user_id(), order_id, asked, reason
    )
    if isinstance(created, Refused):
        return refused_json(created)
    return private_json(
        {**return_json(created[0]), "returns": [return_json(r) for r in created]}, 201
    )


@bp.get("/orders/<order_id>/returns/<return_id>")
@api_login_required
def get_return(order_id: str, return_id: str) -> Response:
    found = return_status(services().returns, current_user_id(), order_id, return_id)
    return refused_json(found) if isinstance(found, Refused) else private_json(return_json(found))


@bp.post("/warehouses/<warehouse_id>/returns/<return_id>/receive")
@permission_required(Permission.WAREHOUSE_PORTAL)
def receive(warehouse_id: str, return_id: str) -> Response:
    user = current_user()
    assert user is not None, "behind @permission_required"
    s = services()
    row = receive_return(
        s.returns,
        s.return_workflows,
        user.access,
        parsing.parse_warehouse_id(warehouse_id),
        return_id,
    )
    return refused_json(row) if isinstance(row, Refused) else private_json(return_json(row))


def return_json(row: ReturnRow) -> dict[str, Any]:
    return {
        "returnID": row.return_id,
        "orderID": row.order_id,
        "warehouseID": row.warehouse_id,
        "status": row.status,
        "reason": row.reason,
        "refundAmount": row.refund_amount,
        "refunded": row.refund_amount if row.status == ReturnStatus.REFUNDED else 0,
        "createdAt": utc_iso(row.created_at),
        "receivedAt": utc_iso(row.received_at),
        "refundedAt": utc_iso(row.refunded_at),
        "lines": [
            {
                "itemID": line.item_id,
                "name": line.name,
                "quantity": line.quantity,
                "unitPrice": line.unit_price,
            }
            for line in row.lines
        ],
    }
