"""Plain records the catalogue generator yields and the loader writes.

The generator streams these (bounded memory at 1M items); the loader COPYs them into
PostgreSQL and imports them into Typesense.
"""

from __future__ import annotations

from dataclasses import dataclass


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
    rating: float  # 0..5
    # Units per warehouse id; aggregated stock is their sum (I1 with nothing in flight).
    stock_by_warehouse: tuple[tuple[int, int], ...]

    @property
    def total_stock(self) -> int:
        return sum(units for _, units in self.stock_by_warehouse)
