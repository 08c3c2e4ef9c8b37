"""What a cart allows: quantity caps, stock checks and the words a shopper reads.

Pure rules (standard library only), shared by the browser, the JSON API and the
repository that applies them inside one transaction. The stock checked here is
`aggregated_stock`, what shoppers can still reserve; a cart holds nothing, so the
real guarantee comes later, when checkout reserves.
"""

from __future__ import annotations

import enum
from collections.abc import Iterable
from dataclasses import dataclass

from domain.refusals import RefusalKind

# No request asks for more of one thing than this; more is a typo or a bot (a 400).
MAX_QUANTITY_PER_LINE = 100
# The most of one item one order takes: the store's limit per line, which the cart, the
# checkout and the item page all state and enforce with the same words
# (`line_limit_message`). The operator sets it (MAX_HELD_UNITS_PER_ITEM, docs/api.md,
# "Limit per line"); this is its default, and it never exceeds MAX_QUANTITY_PER_LINE.
DEFAULT_LINE_LIMIT = 10
# Distinct items in one cart: generous for people, a wall for scripts.
MAX_LINES_PER_CART = 50


class CartOp(enum.StrEnum):
    ADD = "ADD"  # add `quantity` to the line (creating it)
    REMOVE = "REMOVE"  # take `quantity` off the line; the line goes at 0
    SET = "SET"  # make the line exactly `quantity`; 0 removes it


class CartError(Exception):
    """A change the cart refuses; `code` is stable for API clients, the text is for people."""

    code = "cart_error"
    kind = RefusalKind.BAD_REQUEST

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message

    def details(self) -> dict[str, int]:
        """Extra numbers an API client can act on (e.g. how many are left)."""
        return {}


class InvalidQuantity(CartError):
    code = "invalid_quantity"
    kind = RefusalKind.INVALID_QUANTITY


class InsufficientStock(CartError):
    code = "insufficient_stock"
    kind = RefusalKind.INSUFFICIENT_STOCK

    def __init__(self, left: int, in_cart: int) -> None:
        super().__init__(shortage_message(left, in_cart))
        self.left = left
        self.in_cart = in_cart

    def details(self) -> dict[str, int]:
        return {"left": self.left, "inCart": self.in_cart}


class LineLimitReached(CartError):
    code = "line_limit"
    kind = RefusalKind.LINE_LIMIT

    def __init__(self, in_cart: int, limit: int = MAX_QUANTITY_PER_LINE) -> None:
        super().__init__(line_limit_message(limit))
        self.in_cart = in_cart
        self.limit = limit

    def details(self) -> dict[str, int]:
        return {"max": self.limit, "inCart": self.in_cart}


def limit_in_force(configured: int) -> int:
    """The limit per line in force: the operator's, within what any request may ask."""
    return max(1, min(configured, MAX_QUANTITY_PER_LINE))


def line_limit_message(limit: int) -> str:
    """What the cart and the checkout both say when a line passes the limit."""
    return f"Limit {limit} per order: one order can take at most {limit} of an item."


def lines_over_limit(quantities: Iterable[tuple[int, int]], limit: int) -> list[int]:
    """The item ids of (item id, quantity) lines asking for more than `limit`."""
    return [item_id for item_id, quantity in quantities if quantity > limit]


class CartFull(CartError):
    code = "cart_full"
    kind = RefusalKind.CART_FULL

    def __init__(self) -> None:
        super().__init__(
            f"Your cart already holds {MAX_LINES_PER_CART} different items. "
            "Check out or remove something first."
        )

    def details(self) -> dict[str, int]:
        return {"maxLines": MAX_LINES_PER_CART}


def shortage_message(left: int, in_cart: int = 0) -> str:
    """'Only 3 left' - plus what is already in the cart when that explains the refusal."""
    if left <= 0:
        return "Sorry, this item is out of stock."
    text = f"Only {left} left"
    if in_cart:
        text += f" and you already have {in_cart} in your cart"
    return text + "."


def check_requested_quantity(quantity: int, op: CartOp) -> int:
    """The quantity a request asks for: a whole number from 1 (0 too for SET) up to the cap."""
    lowest = 0 if op is CartOp.SET else 1
    if quantity < lowest:
        raise InvalidQuantity(
            "quantity must be 0 or more (0 removes the line)."
            if op is CartOp.SET
            else "quantity must be at least 1."
        )
    if quantity > MAX_QUANTITY_PER_LINE:
        raise InvalidQuantity(f"quantity must be at most {MAX_QUANTITY_PER_LINE}.")
    return quantity


def next_quantity(op: CartOp, current: int, requested: int) -> int:
    """The line's quantity after the change (0 means no line)."""
    if op is CartOp.ADD:
        return current + requested
    if op is CartOp.REMOVE:
        return max(0, current - requested)
    return requested


def check_change(
    *,
    current: int,
    new: int,
    stock: int,
    lines_in_cart: int,
    line_limit: int = MAX_QUANTITY_PER_LINE,
) -> None:
    """Refuse a change that grows a line past `line_limit`, the stock left, or the cart
    past its size.

    Shrinking is always allowed, even below a stock that has since dropped: that is the
    shopper fixing the problem, not making it worse.
    """
    if new <= current:
        return
    if current == 0 and lines_in_cart >= MAX_LINES_PER_CART:
        raise CartFull()
    limit = limit_in_force(line_limit)
    if new > limit:
        raise LineLimitReached(current, limit)
    if new > stock:
        raise InsufficientStock(left=max(stock, 0), in_cart=current)


@dataclass(frozen=True)
class LineCheck:
    """How a line in the cart stands against today's stock (for warnings on the cart page)."""

    quantity: int
    stock: int

    @property
    def short(self) -> bool:
        return self.quantity > self.stock

    @property
    def warning(self) -> str | None:
        if not self.short:
            return None
        if self.stock <= 0:
            return "Out of stock since you added it."
        return f"Only {self.stock} left: lower the quantity to check out."
