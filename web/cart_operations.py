"""The cart as other features read it (checkout's BEGIN takes the cart's lines)."""

from __future__ import annotations

from db.postgres.carts import CartView
from web.services import services


def cart_of(user_id: int) -> CartView:
    return services().carts.read(user_id)
