"""The order desk's JSON (operators and admins; docs/staff.md, docs/api.md):

    GET  /api/v1/staff/orders?email=...[&nextCursor&limit]   or   ?orderID=...
         -> {customer: {customerID, email} | null, orders: [summary], nextCursor, limit}
            an email no account has: 200 with customer null and no orders
    GET  /api/v1/staff/orders/<orderID>          -> the order, whole (404 if none)
    POST /api/v1/staff/orders/<orderID>/cancel {reason}
         -> 200 the order (CANCELLED); 400 no reason; 404; 409 shipped/delivered; 503

A refund form will sit beside cancel (`POST .../refunds`, docs/staff.md "Actions").
No token: 401; a token without the order desk (shopper, warehouse worker): 403.
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Response, request

from domain.refusals import RefusalKind
from domain.roles import Permission
from web.current_user import current_user_id, permission_required
from web.formatting import utc_iso
from web.headers import keep_private
from web.json_io import address_json, private_json, read_json_object
from web.refusals import Refused, refused_json
from web.services import services
from web.staff_orders.ports import OrderSummary, StaffOrder
from web.staff_orders.use_cases import (
    Lookup,
    cancel_as_staff,
    look_up,
    parse_limit,
    staff_order,
)
from web.suborder_reads import SuborderRow

bp = Blueprint("api_staff_orders", __name__, url_prefix="/api/v1/staff/orders")
keep_private(bp)
order_desk = permission_required(Permission.ORDER_DESK)


@bp.get("")
@order_desk
def search() -> Response:
    limit = parse_limit(request.args.get("limit"))
    outcome = limit if isinstance(limit, Refused) else look_up(
        services().staff_orders,
        email=request.args.get("email"),
        order_id=request.args.get("orderID"),
        cursor=request.args.get("nextCursor"),
        limit=limit,
    )  # fmt: skip
    if isinstance(outcome, Refused):
        return refused_json(outcome)
    return private_json(lookup_json(outcome))


@bp.get("/<order_id>")
@order_desk
def get_order(order_id: str) -> Response:
    order = staff_order(services().staff_orders, order_id)
    return refused_json(order) if isinstance(order, Refused) else private_json(order_json(order))


@bp.post("/<order_id>/cancel")
@order_desk
def cancel(order_id: str) -> Response:
    reason = read_json_object().get("reason")
    if reason is not None and not isinstance(reason, str):
        return refused_json(Refused(RefusalKind.BAD_REQUEST, "reason must be a string."))
    outcome = cancel_as_staff(
        services().staff_orders,
        services().staff_cancel,
        order_id,
        reason,
        staff_id=current_user_id(),
    )
    return (
        refused_json(outcome) if isinstance(outcome, Refused) else private_json(order_json(outcome))
    )


def lookup_json(found: Lookup) -> dict[str, Any]:
    customer = found.customer
    return {
        "customer": None
        if customer is None
        else {"customerID": customer.customer_id, "email": customer.email},
        "orders": [summary_json(order) for order in found.orders],
        "nextCursor": found.next_cursor,
        "limit": found.limit,
    }


def summary_json(order: OrderSummary) -> dict[str, Any]:
    return {
        "orderID": order.order_id,
        "orderedDate": utc_iso(order.ordered_at),
        "status": order.status,
        "total": order.total,
        "units": order.units,
    }


def order_json(order: StaffOrder) -> dict[str, Any]:
    return {
        **summary_json(order.summary),
        "customer": {"customerID": order.customer.customer_id, "email": order.customer.email},
        "refunded": order.refunded,
        "cart": [
            {"itemID": x.item_id, "name": x.name, "quantity": x.quantity, "unitPrice": x.unit_price}
            for x in order.lines
        ],
        "shippingAddress": address_json(order.shipping_address),
        "card": {"brand": order.card_brand, "last4": order.card_last4},
        "canCancel": order.can_cancel,
        "timeline": list(order.timeline),
        "suborders": [suborder_json(suborder) for suborder in order.suborders],
    }


def suborder_json(suborder: SuborderRow) -> dict[str, Any]:
    return {
        "suborderID": suborder.suborder_id,
        "warehouse": {
            "id": suborder.warehouse_id,
            "name": suborder.warehouse_name,
            "region": suborder.warehouse_region,
        },
        "status": suborder.status,
        "shippedAt": utc_iso(suborder.shipped_at),
        "deliveredAt": utc_iso(suborder.delivered_at),
        "lines": [
            {"itemID": line.item_id, "name": line.name, "quantity": line.quantity}
            for line in suborder.lines
        ],
    }
