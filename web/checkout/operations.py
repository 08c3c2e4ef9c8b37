"""How a checkout's state reads to a shopper on the checkout pages (times, short lines)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime

from domain.checkout import CheckoutStatus, from_iso
from domain.stock import ShortLine
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
