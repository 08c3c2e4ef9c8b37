"""A signed-out shopper's cart, kept by their browser session (docs/shopper.md, "The cart").

Every mainstream store lets a visitor fill a cart before they have an account, so the
cart pages work signed out too. The lines live in the session cookie (signed with
SECRET_KEY, so only this store writes them) as `{item id: quantity}`; prices, names and
stock are read live on every view, exactly as for a stored cart. The rules are the
same ones (`check_change` of domain/cart_rules.py: the limit per line, the stock, the
size of a cart), so a guest's cart never promises what a shopper's would refuse.

At sign-in the lines move into the shopper's own cart (`merge_guest_cart` in
web/cart/use_cases.py) and the session starts afresh without them.

`SessionCart` has the shape of the `CartStore` port, so the cart's use cases run on it
unchanged; its `user_id` arguments are ignored: the session is the owner.
"""

from __future__ import annotations

from collections.abc import MutableMapping
from typing import Any

from db.postgres.carts import CartChange, CartLineView, CartView, UnknownItem
from domain.cart_rules import (
    MAX_LINES_PER_CART,
    MAX_QUANTITY_PER_LINE,
    CartOp,
    check_change,
    next_quantity,
)
from web.cart.ports import CartItems

SESSION_KEY = "guest_cart"


def guest_lines(state: MutableMapping[str, Any]) -> dict[int, int]:
    """The guest's lines as {item id: quantity}; anything malformed is dropped, not trusted."""
    raw = state.get(SESSION_KEY)
    if not isinstance(raw, dict):
        return {}
    lines: dict[int, int] = {}
    for key, quantity in raw.items():
        if str(key).isdecimal() and isinstance(quantity, int) and quantity > 0:
            lines[int(key)] = min(quantity, MAX_QUANTITY_PER_LINE)
    return dict(list(sorted(lines.items()))[:MAX_LINES_PER_CART])


class SessionCart:
    """The `CartStore` port over a session mapping (Flask's `session` in the app)."""

    def __init__(self, state: MutableMapping[str, Any], items: CartItems) -> None:
        self._state = state
        self._items = items

    def read(self, user_id: int = 0) -> CartView:
        lines = []
        for item_id, quantity in guest_lines(self._state).items():
            item = self._items.find(item_id)
            if item is not None:  # dropped from the catalogue since it was added
                lines.append(CartLineView(item_id, item.name, item.price, quantity, item.stock))
        return CartView(tuple(lines))

    def units(self, user_id: int = 0) -> int | None:
        return sum(guest_lines(self._state).values())

    def change(
        self,
        user_id: int,
        item_id: int,
        op: CartOp,
        quantity: int,
        *,
        line_limit: int = MAX_QUANTITY_PER_LINE,
    ) -> tuple[CartChange, CartView]:
        item = self._items.find(item_id)
        if item is None:
            raise UnknownItem(item_id)
        lines = guest_lines(self._state)
        current = lines.get(item_id, 0)
        new = next_quantity(op, current, quantity)
        check_change(
            current=current,
            new=new,
            stock=item.stock,
            lines_in_cart=len(lines),
            line_limit=line_limit,
        )
        if new == 0:
            lines.pop(item_id, None)
        else:
            lines[item_id] = new
        self._state[SESSION_KEY] = {str(key): value for key, value in lines.items()}
        return CartChange(item_id, item.name, current, new), self.read()
