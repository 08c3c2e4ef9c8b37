"""What the cart's use cases need from the world, as narrow Protocols.

The real adapters are in web/cart/adapters.py (PostgreSQL through db/postgres/carts.py); the
fast tests use the in-memory fakes of tests/fakes/cart.py, which a contract test runs
against the same scenarios as the adapters.
"""

from __future__ import annotations

from typing import Protocol

from db.postgres.carts import CartChange, CartView
from domain.cart_rules import MAX_QUANTITY_PER_LINE, CartOp
from web.item_reads import ItemDetails


class CartStore(Protocol):
    def read(self, user_id: int) -> CartView:
        """The shopper's cart, lines in item-id order (empty when they never added)."""

    def units(self, user_id: int) -> int | None:
        """Units in the cart for the header badge; None when the store can't say."""

    def change(
        self,
        user_id: int,
        item_id: int,
        op: CartOp,
        quantity: int,
        *,
        line_limit: int = MAX_QUANTITY_PER_LINE,
    ) -> tuple[CartChange, CartView]:
        """Apply one change atomically and answer the cart as it now stands; no line
        grows past `line_limit` (domain/cart_rules.py).

        Raises db.postgres.carts.UnknownItem or a domain.cart_rules.CartError (InsufficientStock,
        LineLimitReached, CartFull) before anything is written.
        """


class CartItems(Protocol):
    def find(self, item_id: int) -> ItemDetails | None:
        """The item with its live stock, or None when there is no such item."""
