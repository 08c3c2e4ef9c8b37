"""The cart's pure rules (domain/cart_rules.py): caps, stock checks and the shopper's words."""

from __future__ import annotations

import pytest

from domain.cart_rules import (
    MAX_LINES_PER_CART,
    CartFull,
    CartOp,
    InsufficientStock,
    InvalidQuantity,
    LineCheck,
    LineLimitReached,
    check_change,
    check_requested_quantity,
    next_quantity,
    shortage_message,
)

pytestmark = pytest.mark.unit


def test_the_shortage_message_says_how_many_are_left():
    assert shortage_message(3) == "Only 3 left."
    assert shortage_message(3, in_cart=2) == "Only 3 left and you already have 2 in your cart."
    assert shortage_message(0) == "Sorry, this item is out of stock."


@pytest.mark.parametrize(
    ("op", "current", "requested", "expected"),
    [
        (CartOp.ADD, 0, 2, 2),
        (CartOp.ADD, 2, 3, 5),
        (CartOp.REMOVE, 5, 2, 3),
        (CartOp.REMOVE, 2, 9, 0),
        (CartOp.REMOVE, 0, 1, 0),
        (CartOp.SET, 7, 1, 1),
        (CartOp.SET, 7, 0, 0),
    ],
)
def test_each_op_moves_the_line_to_the_right_quantity(op, current, requested, expected):
    assert next_quantity(op, current, requested) == expected


@pytest.mark.parametrize(
    ("quantity", "op"), [(0, CartOp.ADD), (-1, CartOp.REMOVE), (-1, CartOp.SET), (101, CartOp.SET)]
)
def test_requests_outside_one_to_a_hundred_are_refused(quantity, op):
    with pytest.raises(InvalidQuantity):
        check_requested_quantity(quantity, op)


def test_set_to_zero_is_a_valid_request():
    assert check_requested_quantity(0, CartOp.SET) == 0


def test_growing_past_the_stock_is_refused_with_what_is_left_and_in_the_cart():
    with pytest.raises(InsufficientStock) as refused:
        check_change(current=2, new=4, stock=3, lines_in_cart=1)

    assert refused.value.details() == {"left": 3, "inCart": 2}


def test_shrinking_is_always_allowed_even_below_a_stock_that_dropped():
    check_change(current=5, new=4, stock=0, lines_in_cart=1)


def test_a_line_never_grows_past_a_hundred():
    with pytest.raises(LineLimitReached):
        check_change(current=60, new=110, stock=1000, lines_in_cart=1)


def test_a_full_cart_takes_no_new_lines_but_existing_ones_still_grow():
    with pytest.raises(CartFull):
        check_change(current=0, new=1, stock=10, lines_in_cart=MAX_LINES_PER_CART)
    check_change(current=1, new=2, stock=10, lines_in_cart=MAX_LINES_PER_CART)


def test_a_line_that_outgrew_the_stock_gets_a_warning():
    assert LineCheck(quantity=2, stock=5).warning is None
    assert LineCheck(quantity=4, stock=3).warning == "Only 3 left: lower the quantity to check out."
    assert LineCheck(quantity=1, stock=0).warning == "Out of stock since you added it."
