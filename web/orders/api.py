"""`GET /api/v1/orders?nextCursor&limit&since&status` and `GET /api/v1/orders/<orderID>`.

The bearer token's own orders, newest first: `{orders: [{orderID, orderedDate,
arrivalDate, status, total, cart: [{itemID, name, quantity, unitPrice}]}], nextCursor,
limit}`. `since` is a date (2026-01-31) or an ISO 8601 time; `status` (repeatable:
`status=SHIPPED&status=DELIVERED`) keeps those statuses only; `limit` 1..100 (default
20); follow `nextCursor` with the same `since` and `status` (another shopper's or
another query's cursor is a 400). Another shopper's order is a 404.

One order adds checkoutID, shippingAddress, card, canCancel, the timeline
(`[{at, event, detail}]`, oldest first) and its suborders, one per warehouse:
`[{suborderID, warehouse: {id, name, region}, status, shippedAt, deliveredAt,
lines: [{itemID, name, quantity}]}]`.

Cancelling lives on `POST /api/v1/checkout?op=CANCEL {orderID}` (docs/api.md);
web/checkout/api.py hands it to `cancel_order_answer` here. Once a parcel has
shipped, `POST /api/v1/orders/<orderID>/cancel-unshipped` cancels the parcels that
have not: `{orderID, status, cancelledSuborders, refund, order}` (docs/orders.md).
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Response, request

from domain.refusals import RefusalKind
from web.current_user import api_login_required, current_user_id
from web.errors import BadRequest
from web.formatting import utc_iso
from web.headers import keep_private
from web.json_io import address_json, private_json
from web.limits import abuse_limits
from web.orders.reads import OrderView
from web.orders.use_cases import (
    cancel_order,
    cancel_unshipped,
    list_orders,
    order_detail,
    parse_limit,
)
from web.refusals import Refused, refused_json
from web.services import services
from web.suborder_reads import SuborderRow

bp = Blueprint("api_orders", __name__, url_prefix="/api/v1/orders")
keep_private(bp)


@bp.get("")
@api_login_required
def get_orders() -> Response:
    limit = parse_limit(request.args.get("limit"))
    outcome = (
        limit
        if isinstance(limit, Refused)
        else list_orders(
            services().orders,
            current_user_id(),
            limit=limit,
            since=request.args.get("since"),
            cursor=request.args.get("nextCursor"),
            statuses=request.args.getlist("status"),
        )
    )
    if isinstance(outcome, Refused):
        return refused_json(outcome)
    orders = [order_json(order) for order in outcome.orders]
    return private_json(
        {"orders": orders, "nextCursor": outcome.next_cursor, "limit": outcome.limit}
    )


@bp.get("/<order_id>")
@api_login_required
def get_order(order_id: str) -> Response:
    order = order_detail(services().orders, current_user_id(), order_id)
    if isinstance(order, Refused):
        return refused_json(
            Refused(RefusalKind.NOT_FOUND, f"No order {order_id[:64]!r} in your orders.")
        )
    return private_json(order_detail_json(order))


@bp.post("/<order_id>/cancel-unshipped")
@api_login_required
def post_cancel_unshipped(order_id: str) -> Response:
    """200 with what was cancelled and refunded; 404, 409 (nothing shipped yet, nothing
    left to cancel, delivered...), 429 or 503."""
    outcome = cancel_unshipped(
        services().orders, services().order_client, abuse_limits(), current_user_id(), order_id
    )
    if isinstance(outcome, Refused):
        return refused_json(outcome)
    return private_json(
        {
            "orderID": outcome.order.order_id,
            "status": outcome.order.status,
            "cancelledSuborders": list(outcome.cancelled_suborders),
            "refund": outcome.refund,
            "order": order_detail_json(outcome.order),
        }
    )


def cancel_order_answer(user_id: int, order_id: Any) -> Response:
    """`op=CANCEL {orderID}`: 200 with the order (CANCELLED), 404, 409, 429 or 503."""
    if order_id is None:
        raise BadRequest("orderID is required.")
    if not isinstance(order_id, str):
        raise BadRequest("orderID must be a string.")
    if not order_id.strip():
        raise BadRequest("orderID must not be empty.")
    outcome = cancel_order(
        services().orders, services().order_client, abuse_limits(), user_id, order_id
    )
    if isinstance(outcome, Refused):
        return refused_json(outcome)
    return private_json(order_detail_json(outcome))


def order_json(order: OrderView) -> dict[str, Any]:
    return {
        "orderID": order.order_id,
        "orderedDate": utc_iso(order.ordered_at),
        "arrivalDate": order.arrival_date.isoformat() if order.arrival_date else None,
        "status": order.status,
        "total": order.total,
        "cart": [
            {
                "itemID": line.item_id,
                "name": line.name,
                "quantity": line.quantity,
                "unitPrice": line.unit_price,
            }
            for line in order.lines
        ],
    }


def order_detail_json(order: OrderView) -> dict[str, Any]:
    return {
        **order_json(order),
        "checkoutID": order.checkout_id,
        "shippingAddress": address_json(order.shipping_address),
        "card": {"brand": order.card_brand, "last4": order.card_last4},
        "canCancel": order.can_cancel,
        "canCancelUnshipped": order.can_cancel_unshipped,
        "cancelled": [
            {"itemID": line.item_id, "name": line.name, "quantity": line.cancelled_quantity}
            for line in order.cancelled_lines
        ],
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
        "arrivalDate": suborder.arrival_date.isoformat() if suborder.arrival_date else None,
        "shippedAt": utc_iso(suborder.shipped_at),
        "deliveredAt": utc_iso(suborder.delivered_at),
        "lines": [
            {"itemID": line.item_id, "name": line.name, "quantity": line.quantity}
            for line in suborder.lines
        ],
    }
