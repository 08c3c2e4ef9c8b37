"""The cart's use cases, written once for the pages and /api/v1/cart.

Each takes its ports (web/cart/ports.py, web/outcomes.py's Limits) and answers with a
result or a `Refused` (web/outcomes.py); pages and the API only translate. Nothing is
written when a change is refused.
"""

from __future__ import annotations

from dataclasses import dataclass

from db.postgres.carts import CartChange, CartLineView, CartView, UnknownItem
from domain.cart_rules import (
    CartError,
    CartOp,
    InvalidQuantity,
    check_requested_quantity,
    limit_in_force,
    line_limit_message,
    shortage_message,
)
from domain.refusals import RefusalKind
from web.cart.ports import CartItems, CartStore
from web.item_reads import ItemDetails
from web.outcomes import Limits, over_limit
from web.refusals import Refused

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
        return Refused(RefusalKind.NOT_FOUND, "We couldn't find that item.")
    return item


def change_cart(
    carts: CartStore,
    limits: Limits,
    user_id: int,
    item_id: int,
    op: CartOp,
    quantity: int,
    *,
    limit_key: int | str | None = None,
) -> CartChanged | Refused:
    """ADD / REMOVE / SET one line; every refusal comes back before anything is written.

    `limit_key` counts the write against someone other than `user_id`: a signed-out
    shopper's cart (web/cart/guest.py) has no user, so its writes count per address.
    """
    try:
        check_requested_quantity(quantity, op)
    except InvalidQuantity as error:
        return _refused(error)
    shopper = user_id if limit_key is None else limit_key
    too_many = over_limit(limits, shopper, LIMIT_FEATURE, "changes to your cart")
    if too_many is not None:
        return too_many
    try:
        change, cart = carts.change(
            user_id, item_id, op, quantity, line_limit=limits.max_held_units_per_item
        )
    except UnknownItem as error:
        return Refused(RefusalKind.NOT_FOUND, str(error))
    except CartError as error:
        return _refused(error)
    return CartChanged(change, cart)


def form_quantity(raw: str | None) -> int | Refused:
    """A quantity typed into a form: a whole number, else a message the shopper can act on."""
    text = (raw or "").strip()
    if not text.isdecimal() or len(text) > 6:
        return Refused(
            RefusalKind.INVALID_QUANTITY, "Enter the quantity as a whole number, like 1 or 2."
        )
    return int(text)


def _refused(error: CartError) -> Refused:
    return Refused(error.kind, error.message, details=error.details())


@dataclass(frozen=True)
class CappedLine:
    """A line of a signed-out cart that did not fit whole into the shopper's cart."""

    name: str
    asked: int  # what was already in the cart plus what the signed-out cart held
    kept: int
    reason: str

    @property
    def message(self) -> str:
        return f"{self.name}: you have {self.kept}, not {self.asked}. {self.reason}"


@dataclass(frozen=True)
class CartMerge:
    moved: int  # lines of the signed-out cart now in the shopper's cart
    capped: tuple[CappedLine, ...]

    @property
    def messages(self) -> tuple[str, ...]:
        """What the shopper reads after signing in (nothing when there was nothing to move)."""
        if not self.moved and not self.capped:
            return ()
        head = "We added what you put in your cart before signing in."
        return (head, *(line.message for line in self.capped))


def merge_guest_cart(
    carts: CartStore, items: CartItems, line_limit: int, user_id: int, guest: dict[int, int]
) -> CartMerge:
    """Move a signed-out cart's lines into the shopper's cart at sign-in.

    Quantities add up, capped by the limit per line and the stock left (never refused
    outright: the shopper chose these things); an item gone from the catalogue is
    dropped. Each capped line says why, in the cart's own words.
    """
    limit = limit_in_force(line_limit)
    moved, capped = 0, []
    for item_id, quantity in guest.items():
        item = items.find(item_id)
        if item is None:
            continue
        have = carts.read(user_id).quantity_of(item_id)
        asked = have + quantity
        kept = min(asked, limit, max(item.stock, have))
        if kept > have:
            try:
                carts.change(user_id, item_id, CartOp.SET, kept, line_limit=line_limit)
            except (UnknownItem, CartError) as error:  # stock or the cart's size moved meanwhile
                capped.append(CappedLine(item.name, asked, have, getattr(error, "message", "")))
                continue
            moved += 1
        if kept < asked:
            reason = line_limit_message(limit) if kept == limit else shortage_message(item.stock)
            capped.append(CappedLine(item.name, asked, kept, reason))
    return CartMerge(moved, tuple(capped))
