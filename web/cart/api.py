"""`GET /api/v1/cart` and `PATCH /api/v1/cart?op=ADD|REMOVE|SET {itemID, quantity}`.

Always the bearer token's own cart. Both answer the whole cart:
`{items: [{itemID, name, price, quantity, lineTotal, stock}], total, count}` (cents).
ADD adds `quantity` to the line (at most 100 per line, and no more than is in stock:
else 409 `insufficient_stock` with `left`); REMOVE takes `quantity` off (the line goes
at 0; removing what isn't there changes nothing); SET makes the line exactly `quantity`
(0 removes it). Bad input is a 400 with a message; an unknown item is a 404; too many
changes in a row a 429. A refused change writes nothing (web/cart/use_cases.py).
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Response, request

from db.postgres.carts import CartView
from domain.cart_rules import CartOp
from web.cart.use_cases import change_cart, show_cart
from web.current_user import api_login_required, current_user_id
from web.errors import BadRequest
from web.json_io import private_json, read_json_object, require_int
from web.limits import abuse_limits
from web.refusals import Refused, refused_json
from web.services import services

bp = Blueprint("api_cart", __name__, url_prefix="/api/v1")

OPS = ", ".join(op.value for op in CartOp)


@bp.get("/cart")
@api_login_required
def get_cart() -> Response:
    return private_json(cart_json(show_cart(services().carts, current_user_id())))


@bp.patch("/cart")
@api_login_required
def patch_cart() -> Response:
    op = _parse_op(request.args.get("op"))
    payload = read_json_object()
    item_id, quantity = require_int(payload, "itemID"), require_int(payload, "quantity")
    outcome = change_cart(
        services().carts, abuse_limits(), current_user_id(), item_id, op, quantity
    )
    if isinstance(outcome, Refused):
        return refused_json(outcome)
    return private_json(cart_json(outcome.cart))


def cart_json(cart: CartView) -> dict[str, Any]:
    return {
        "items": [
            {
                "itemID": line.item_id,
                "name": line.name,
                "price": line.price,
                "quantity": line.quantity,
                "lineTotal": line.line_total,
                "stock": line.stock,
            }
            for line in cart.lines
        ],
        "total": cart.total,
        "count": cart.units,
    }


def _parse_op(raw: str | None) -> CartOp:
    if not raw:
        raise BadRequest(f"Say what to do with ?op= ({OPS}).")
    try:
        return CartOp(raw.upper())
    except ValueError:
        raise BadRequest(f"op must be one of {OPS}, got {raw[:20]!r}.") from None
