"""The cart's ports in memory (web/cart/ports.py): the same domain rules as db/postgres/carts.py
over a catalogue of (name, price, stock) held in a dict."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import replace

from db.postgres.carts import CartChange, CartLineView, CartView, UnknownItem
from domain.cart_rules import MAX_QUANTITY_PER_LINE, CartOp, check_change, next_quantity
from web.item_reads import ItemDetails


class FakeCartStore:
    def __init__(self, items: Iterable[ItemDetails]) -> None:
        self.items = {item.item_id: item for item in items}
        self.lines: dict[int, dict[int, int]] = {}  # user -> item -> quantity
        self.changes = 0  # writes that went through (a refused change writes nothing)
        self.down = False  # the badge's store can't say (None), like a database outage

    def set_stock(self, item_id: int, stock: int) -> None:
        self.items[item_id] = replace(self.items[item_id], stock=stock)

    def read(self, user_id: int) -> CartView:
        lines = self.lines.get(user_id, {})
        return CartView(
            tuple(
                CartLineView(
                    item_id,
                    self.items[item_id].name,
                    self.items[item_id].price,
                    quantity,
                    max(self.items[item_id].stock, 0),
                )
                for item_id, quantity in sorted(lines.items())
            )
        )

    def units(self, user_id: int) -> int | None:
        return None if self.down else sum(self.lines.get(user_id, {}).values())

    def change(
        self,
        user_id: int,
        item_id: int,
        op: CartOp,
        quantity: int,
        *,
        line_limit: int = MAX_QUANTITY_PER_LINE,
    ) -> tuple[CartChange, CartView]:
        item = self.items.get(item_id)
        if item is None:
            raise UnknownItem(item_id)
        lines = self.lines.get(user_id, {})
        current = lines.get(item_id, 0)
        new = next_quantity(op, current, quantity)
        check_change(
            current=current,
            new=new,
            stock=item.stock,
            lines_in_cart=len(lines),
            line_limit=line_limit,
        )
        if new != current:
            lines = self.lines.setdefault(user_id, {})
            if new == 0:
                del lines[item_id]
            else:
                lines[item_id] = new
            self.changes += 1
        return CartChange(item_id, item.name, current, new), self.read(user_id)


class FakeCartItems:
    def __init__(self, store: FakeCartStore) -> None:
        self._store = store

    def find(self, item_id: int) -> ItemDetails | None:
        return self._store.items.get(item_id)


def items_of_catalogue() -> list[ItemDetails]:
    """tests/web/catalogue.py's items as the item reads answer them (its stock all in one
    warehouse), so the fakes and the real stack start from the same catalogue."""
    from tests.web.catalogue import ITEMS

    return [
        ItemDetails(
            item_id=item.id,
            sku=item.sku,
            name=item.name,
            description=item.description,
            brand=item.brand,
            category=item.category,
            price=item.price,
            rating=item.rating,
            stock=item.total_stock,
        )
        for item in ITEMS
    ]
