"""The cart's use cases, written once for the pages and /api/v1/cart.

Each takes its ports (web/cart/ports.py, web/outcomes.py's Limits) and answers with a
result or a `Refused` (web/outcomes.py); pages and the API only translate. Nothing is
written when a change is refused.
"""

from __future__ import annotations

from dataclasses import dataclass

from db.postgres.carts import CartChange, CartLineView, CartView, UnknownItem
from domain.cart_rules import CartError, CartOp, InvalidQuantity, check_requested_quantity
from web.cart.ports import CartItems, CartStore
from web.item_reads import ItemDetails
from web.outcomes import Limits, Refused, over_limit

LIMIT_FEATURE = "cart"


@dataclass(frozen=True)
class CartChanged:
    change: CartChange
    cart: CartView

    @property
    def added(self) -> int:
        return self.change.after - self.change.before


def show_cart(carts: CartStore, user_id: int) -> CartView:
    return carts.read(user_id)


def cart_line(carts: CartStore, user_id: int, item_id: int) -> CartLineView | None:
    """One line of the cart (for its stock warning), None when the item is not in it."""
    return next((line for line in carts.read(user_id).lines if line.item_id == item_id), None)


def item_to_add(items: CartItems, item_id: int) -> ItemDetails | Refused:
    item = items.find(item_id)
    if item is None:
        return Refused("not_found", "We couldn't find that item.")
    return item


def change_cart(
    carts: CartStore, limits: Limits, user_id: int, item_id: int, op: CartOp, quantity: int
) -> CartChanged | Refused:
    """ADD / REMOVE / SET one line; every refusal comes back before anything is written."""
    try:
        check_requested_quantity(quantity, op)
    except InvalidQuantity as error:
        return _refused(error)
    too_many = over_limit(limits, user_id, LIMIT_FEATURE, "changes to your cart")
    if too_many is not None:
        return too_many
    try:
        change, cart = carts.change(
            user_id, item_id, op, quantity, line_limit=limits.max_held_units_per_item
        )
    except UnknownItem as error:
        return Refused("not_found", str(error))
    except CartError as error:
        return _refused(error)
    return CartChanged(change, cart)


def form_quantity(raw: str | None) -> int | Refused:
    """A quantity typed into a form: a whole number, else a message the shopper can act on."""
    text = (raw or "").strip()
    if not text.isdecimal() or len(text) > 6:
        return Refused("invalid_quantity", "Enter the quantity as a whole number, like 1 or 2.")
    return int(text)


def _refused(error: CartError) -> Refused:
    kind = error.code if not isinstance(error, InvalidQuantity) else "invalid_quantity"
    return Refused(kind, error.message, details=error.details())
