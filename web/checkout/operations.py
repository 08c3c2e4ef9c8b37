"""What the checkout page and /api/v1/checkout share: which lines to hold, and how a
checkout's state reads to a shopper (times, short lines)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import UTC, datetime

from sqlalchemy import select

from db.postgres.carts import read_cart
from db.postgres.models import Item
from domain.checkout import CheckoutStatus, from_iso
from domain.stock import Line, ShortLine
from web.services import services
from workflows.checkout_messages import CheckoutView

S = CheckoutStatus
# What the page says once a checkout is over (SUBMITTED goes to the order page instead).
ENDED_MESSAGES = {
    S.EXPIRED: "Your hold on these items expired, so they were released back into stock. "
    "Your cart is unchanged: begin checkout again when you're ready.",
    S.CANCELLED: "Checkout cancelled. The items were released back into stock; "
    "your cart is unchanged.",
    S.OUT_OF_STOCK: "Some items ran out before we could hold them. Nothing was held.",
}


def lines_of_cart(user_id: int) -> list[Line]:
    with services().sessions() as session:
        cart = read_cart(session, user_id)
    return [Line(line.item_id, line.quantity) for line in cart.lines]


def unknown_items(item_ids: Iterable[int]) -> list[int]:
    """The ids that are not in the catalogue (so BEGIN can name them)."""
    wanted = sorted(set(item_ids))
    with services().sessions() as session:
        known = set(session.scalars(select(Item.id).where(Item.id.in_(wanted))))
    return [item_id for item_id in wanted if item_id not in known]


def short_line_message(short: ShortLine) -> str:
    """The cart page's words for a line BEGIN could not hold."""
    if short.left <= 0:
        return "Since you added it, this item sold out."
    return f"Since you added it, only {short.left} left."


def short_line_messages(shorts: Sequence[ShortLine]) -> dict[int, str]:
    return {short.item_id: short_line_message(short) for short in shorts}


def seconds_left(view: CheckoutView) -> int:
    left = (from_iso(view.expires_at) - datetime.now(UTC)).total_seconds()
    return max(int(left), 0)
