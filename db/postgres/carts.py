"""Carts in PostgreSQL: one per user, created on the first add, read with live prices and stock.

Every function takes a Session and leaves the transaction to the caller, so a
refused change (unknown item, not enough stock, over the cap) raises before
anything is written and the caller's `sessions.begin()` rolls back: nothing is
ever half-written.

Concurrency: a change locks the user's `carts` row (SELECT ... FOR UPDATE) before
it reads the line, so two adds to the same line at once are applied one after the
other and neither is lost. Only that shopper's requests ever wait on that lock.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import delete, func, insert, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.orm import Session

from db.postgres.models import AggregatedStock, Cart, CartLine, Item
from domain.cart_rules import (
    MAX_QUANTITY_PER_LINE,
    CartOp,
    LineCheck,
    check_change,
    next_quantity,
)

MAX_ITEM_ID = 2**63 - 1  # items.id is a BIGINT; larger numbers cannot exist


class UnknownItem(LookupError):
    def __init__(self, item_id: int) -> None:
        super().__init__(f"No item with itemID {item_id}.")
        self.item_id = item_id


@dataclass(frozen=True)
class CartLineView:
    item_id: int
    name: str
    price: int  # cents, today's price
    quantity: int
    stock: int  # aggregated stock right now

    @property
    def line_total(self) -> int:
        return self.price * self.quantity

    @property
    def check(self) -> LineCheck:
        return LineCheck(self.quantity, self.stock)


@dataclass(frozen=True)
class CartView:
    lines: tuple[CartLineView, ...]

    @property
    def total(self) -> int:
        return sum(line.line_total for line in self.lines)

    @property
    def units(self) -> int:
        return sum(line.quantity for line in self.lines)

    def quantity_of(self, item_id: int) -> int:
        return next((line.quantity for line in self.lines if line.item_id == item_id), 0)


@dataclass(frozen=True)
class CartChange:
    item_id: int
    name: str
    before: int
    after: int


def read_cart(session: Session, user_id: int) -> CartView:
    """The user's cart, lines in item-id order (empty if they never added anything)."""
    statement = (
        select(
            CartLine.item_id,
            Item.name,
            Item.price,
            CartLine.quantity,
            func.coalesce(AggregatedStock.stock, 0).label("stock"),
        )
        .join(Cart, Cart.id == CartLine.cart_id)
        .join(Item, Item.id == CartLine.item_id)
        .outerjoin(AggregatedStock, AggregatedStock.item_id == CartLine.item_id)
        .where(Cart.user_id == user_id)
        .order_by(CartLine.item_id)
    )
    rows = session.execute(statement).all()
    return CartView(
        tuple(CartLineView(r.item_id, r.name, r.price, r.quantity, r.stock) for r in rows)
    )


def count_units(session: Session, user_id: int) -> int:
    """Units in the cart: the number on the header badge."""
    statement = (
        select(func.coalesce(func.sum(CartLine.quantity), 0))
        .join(Cart, Cart.id == CartLine.cart_id)
        .where(Cart.user_id == user_id)
    )
    return int(session.execute(statement).scalar_one())


def change_line(
    session: Session,
    user_id: int,
    item_id: int,
    op: CartOp,
    quantity: int,
    *,
    line_limit: int = MAX_QUANTITY_PER_LINE,
) -> CartChange:
    """Apply ADD / REMOVE / SET to one line under the cart lock; raises before writing if refused.

    `quantity` must already have passed `check_requested_quantity`.
    """
    item = _item_with_stock(session, item_id)
    if item is None:
        raise UnknownItem(item_id)
    name, stock = item

    grows = op is CartOp.ADD or (op is CartOp.SET and quantity > 0)
    cart_id = _lock_cart(session, user_id, create=grows)
    if cart_id is None:  # removing from a cart that was never created: nothing to do
        return CartChange(item_id, name, 0, 0)

    current = (
        session.execute(
            select(CartLine.quantity).where(
                CartLine.cart_id == cart_id, CartLine.item_id == item_id
            )
        ).scalar_one_or_none()
        or 0
    )
    new = next_quantity(op, current, quantity)
    lines_in_cart = (
        session.execute(select(func.count()).where(CartLine.cart_id == cart_id)).scalar_one()
        if current == 0 and new > 0
        else 0
    )
    check_change(
        current=current, new=new, stock=stock, lines_in_cart=lines_in_cart, line_limit=line_limit
    )

    if new == current:
        return CartChange(item_id, name, current, new)
    line = (CartLine.cart_id == cart_id) & (CartLine.item_id == item_id)
    if new == 0:
        session.execute(delete(CartLine).where(line))
    elif current == 0:
        session.execute(insert(CartLine).values(cart_id=cart_id, item_id=item_id, quantity=new))
    else:
        session.execute(update(CartLine).where(line).values(quantity=new))
    session.execute(update(Cart).where(Cart.id == cart_id).values(updated_at=func.now()))
    return CartChange(item_id, name, current, new)


def clear_cart(session: Session, user_id: int) -> None:
    """Empty the user's cart (after an order is written). Idempotent."""
    cart_ids = select(Cart.id).where(Cart.user_id == user_id).scalar_subquery()
    session.execute(delete(CartLine).where(CartLine.cart_id == cart_ids))


def _item_with_stock(session: Session, item_id: int) -> tuple[str, int] | None:
    if not 1 <= item_id <= MAX_ITEM_ID:
        return None  # asking PostgreSQL would only overflow
    row = session.execute(
        select(Item.name, func.coalesce(AggregatedStock.stock, 0))
        .outerjoin(AggregatedStock, AggregatedStock.item_id == Item.id)
        .where(Item.id == item_id)
    ).one_or_none()
    return None if row is None else (row[0], int(row[1]))


def _lock_cart(session: Session, user_id: int, *, create: bool) -> int | None:
    """The user's cart id, row-locked until the transaction ends (created first if asked)."""
    if create:
        # Two first adds at once: the second waits on the unique index, then does nothing.
        session.execute(
            pg_insert(Cart)
            .values(user_id=user_id)
            .on_conflict_do_nothing(index_elements=["user_id"])
        )
    return session.execute(
        select(Cart.id).where(Cart.user_id == user_id).with_for_update()
    ).scalar_one_or_none()
