"""Money is an integer number of cents (USD) everywhere; floats never touch a price."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Protocol


class PricedQuantity(Protocol):
    """Anything with a unit price and a quantity: a checkout's PricedLine, an order line."""

    @property
    def unit_price(self) -> int: ...

    @property
    def quantity(self) -> int: ...


def format_cents(cents: int, currency_symbol: str = "$") -> str:
    """12345678 -> "$123,456.78"; negatives keep the sign in front: "-$1.50"."""
    sign = "-" if cents < 0 else ""
    dollars, rest = divmod(abs(cents), 100)
    return f"{sign}{currency_symbol}{dollars:,}.{rest:02d}"


def line_total(unit_price: int, quantity: int) -> int:
    if unit_price < 0:
        raise ValueError(f"a price cannot be negative: {unit_price}")
    if quantity <= 0:
        raise ValueError(f"a quantity must be positive: {quantity}")
    return unit_price * quantity


def order_total(lines: Iterable[PricedQuantity]) -> int:
    """What the shopper pays: the sum of unit price x quantity (no tax or shipping yet)."""
    return sum(line_total(line.unit_price, line.quantity) for line in lines)
