"""Prices are integer cents and read like a receipt."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from domain.money import format_cents, line_total, order_total

pytestmark = pytest.mark.unit


@dataclass
class Priced:
    unit_price: int
    quantity: int


@pytest.mark.parametrize(
    ("cents", "shown"),
    [
        (0, "$0.00"),
        (5, "$0.05"),
        (199, "$1.99"),
        (123456, "$1,234.56"),
        (100000000, "$1,000,000.00"),
        (-150, "-$1.50"),
    ],
)
def test_cents_are_shown_with_a_dollar_sign_thousands_separators_and_two_decimals(cents, shown):
    assert format_cents(cents) == shown


def test_an_order_costs_the_sum_of_unit_price_times_quantity():
    assert order_total([Priced(1_999, 2), Priced(4_550, 1)]) == 8_548
    assert order_total([]) == 0


def test_a_line_needs_a_positive_quantity_and_a_price_that_is_not_negative():
    with pytest.raises(ValueError):
        line_total(100, 0)
    with pytest.raises(ValueError):
        line_total(-1, 1)
