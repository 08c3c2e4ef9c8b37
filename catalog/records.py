"""Plain records the catalogue generator yields and the loader writes.

The generator streams these (bounded memory at 1M items); the loader COPYs them into
PostgreSQL and imports them into Typesense.
"""

from __future__ import annotations

from dataclasses import dataclass

from catalog.demo_drawing import DemoDrawing
from domain.reviews import RatingSummary, summarise


@dataclass(frozen=True, slots=True)
class WarehouseRecord:
    id: int
    name: str
    region: str  # e.g. "Seattle, WA, US"
    latitude: float
    longitude: float


@dataclass(frozen=True, slots=True)
class ItemRecord:
    id: int
    sku: str
    name: str
    description: str
    category: str
    brand: str
    price: int  # cents
    # Units per warehouse id; aggregated stock is their sum (I1 with nothing in flight).
    stock_by_warehouse: tuple[tuple[int, int], ...]
    # The stars of the demo reviews seeded with the item (catalog/demo_reviews.py): the
    # only source of a loaded item's rating, which is never typed in (docs/reviews.md).
    demo_reviews: tuple[int, ...] = ()
    # Its demo picture's recipe (catalog/demo_drawing.py), drawn when first asked for.
    drawing: DemoDrawing | None = None

    @property
    def picture(self) -> str | None:
        return self.drawing.hash if self.drawing else None

    @property
    def total_stock(self) -> int:
        return sum(units for _, units in self.stock_by_warehouse)

    @property
    def rating_summary(self) -> RatingSummary:
        return summarise(sum(self.demo_reviews), len(self.demo_reviews))

    @property
    def rating(self) -> float | None:
        """The average of its reviews (one decimal), None without any."""
        return self.rating_summary.as_float

    @property
    def review_count(self) -> int:
        return len(self.demo_reviews)
