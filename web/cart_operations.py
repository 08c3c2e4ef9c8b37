"""Changing and reading the current user's cart, for the browser and the API alike."""

from __future__ import annotations

from flask import g
from sqlalchemy.exc import SQLAlchemyError

from db.postgres.carts import CartChange, CartView, change_line, count_units, read_cart
from domain.cart_rules import CartOp, InvalidQuantity, check_requested_quantity
from web.services import services


def change_cart(
    user_id: int, item_id: int, op: CartOp, quantity: int
) -> tuple[CartChange, CartView]:
    """Apply one change in one transaction and return the cart as it now stands.

    Raises InvalidQuantity / InsufficientStock / LineLimitReached / CartFull (domain.cart_rules)
    or UnknownItem (db.postgres.carts) before anything is written.
    """
    check_requested_quantity(quantity, op)
    with services().sessions.begin() as session:
        change = change_line(session, user_id, item_id, op, quantity)
        cart = read_cart(session, user_id)
    return change, cart


def cart_of(user_id: int) -> CartView:
    with services().sessions() as session:
        return read_cart(session, user_id)


def units_in_cart(user_id: int) -> int | None:
    """For the header badge: None when the database can't say (the page still renders)."""
    cached = g.get("_cart_units", False)
    if cached is False:
        try:
            with services().sessions() as session:
                cached = count_units(session, user_id)
        except SQLAlchemyError:
            cached = None
        g._cart_units = cached
    return cached


def parse_form_quantity(raw: str | None) -> int:
    """A quantity typed into a form: a whole number, else a message the shopper can act on."""
    text = (raw or "").strip()
    if not text.isdecimal() or len(text) > 6:
        raise InvalidQuantity("Enter the quantity as a whole number, like 1 or 2.")
    return int(text)
