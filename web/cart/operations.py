"""The cart as other features read it (checkout's BEGIN takes the cart's lines)."""

from __future__ import annotations

from db.carts import CartView
from web.cart.use_cases import show_cart
from web.services import services


def cart_of(user_id: int) -> CartView:
    return show_cart(services().carts, user_id)
