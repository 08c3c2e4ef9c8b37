"""`ItemReads` (web/item_reads.py) in memory: the catalogue of tests/web/catalogue.py
with its stock, changeable by the test. Held to PostgresItemReads by
tests/web/test_item_contracts.py."""

from __future__ import annotations

from dataclasses import dataclass, field

from tests.web.catalogue import ITEMS
from web.item_reads import MAX_ITEM_ID, ItemDetails


def _details(item) -> ItemDetails:
    return ItemDetails(
        item_id=item.id, sku=item.sku, name=item.name, description=item.description,
        brand=item.brand, category=item.category, price=item.price, rating=item.rating,
        stock=item.total_stock, review_count=item.review_count, picture=item.picture,
    )  # fmt: skip


@dataclass
class FakeItemReads:
    items: dict[int, ItemDetails] = field(
        default_factory=lambda: {item.id: _details(item) for item in ITEMS}
    )

    def set_stock(self, item_id: int, stock: int) -> None:
        from dataclasses import replace

        self.items[item_id] = replace(self.items[item_id], stock=stock)

    def find(self, item_id: int) -> ItemDetails | None:
        return self.items.get(item_id) if 1 <= item_id <= MAX_ITEM_ID else None

    def stock(self, item_id: int) -> int | None:
        item = self.find(item_id)
        return None if item is None else item.stock

    def stocks(self, item_ids: list[int]) -> dict[int, int]:
        return {i: self.items[i].stock for i in item_ids if self.find(i) is not None}
