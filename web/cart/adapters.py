"""The cart's ports over PostgreSQL: one transaction per call, through db/postgres/carts.py."""

from __future__ import annotations

from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session, sessionmaker

from db.postgres.carts import CartChange, CartView, change_line, count_units, read_cart
from db.postgres.item_reads import ItemDetails, find_item
from domain.cart_rules import MAX_QUANTITY_PER_LINE, CartOp


class SqlCartStore:
    def __init__(self, sessions: sessionmaker[Session]) -> None:
        self._sessions = sessions

    def read(self, user_id: int) -> CartView:
        with self._sessions() as session:
            return read_cart(session, user_id)

    def units(self, user_id: int) -> int | None:
        try:
            with self._sessions() as session:
                return count_units(session, user_id)
        except SQLAlchemyError:  # the badge is decoration: the page still renders
            return None

    def change(
        self,
        user_id: int,
        item_id: int,
        op: CartOp,
        quantity: int,
        *,
        line_limit: int = MAX_QUANTITY_PER_LINE,
    ) -> tuple[CartChange, CartView]:
        with self._sessions.begin() as session:
            change = change_line(session, user_id, item_id, op, quantity, line_limit=line_limit)
            return change, read_cart(session, user_id)


class SqlCartItems:
    def __init__(self, sessions: sessionmaker[Session]) -> None:
        self._sessions = sessions

    def find(self, item_id: int) -> ItemDetails | None:
        with self._sessions() as session:
            return find_item(session, item_id)
