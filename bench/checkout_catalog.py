"""The catalogue the checkout benchmarks shop in: a synthetic one with plenty of stock,
plus one scarce item for the contention phase (bench.checkout, bench.checkout --hot)."""

from __future__ import annotations

from dataclasses import replace

from bench.common import log
from settings import Settings

WAREHOUSES = 8
SEED = 42
PLENTY = 500  # units per stocked warehouse: no throughput shopper ever meets "sold out"


def load(settings: Settings, items: int, contention_units: int) -> int:
    """Items 1..items with plenty of stock, plus one item with exactly `contention_units`
    units in one warehouse; returns that item's id."""
    from catalog.generator import generate_item, generate_items, generate_warehouses
    from catalog.loader import load_catalog

    warehouses = generate_warehouses(WAREHOUSES, SEED)
    ids = [w.id for w in warehouses]
    scarce_id = items + 1

    def stream():
        for item in generate_items(items, warehouse_ids=ids, seed=SEED):
            yield replace(
                item,
                stock_by_warehouse=tuple(
                    (w, max(units, PLENTY)) for w, units in item.stock_by_warehouse
                ),
            )
        item = generate_item(scarce_id, seed=SEED, warehouse_ids=tuple(ids))
        yield replace(
            item,
            name="Bench Limited Edition Release",
            description="Only a few were made.",
            stock_by_warehouse=((ids[0], contention_units),),
        )

    report = load_catalog(settings, warehouses, stream(), total=items + 1, progress=False)
    log(f"loaded {report.items:,} items at {report.items_per_s:,.0f} items/s")
    return scarce_id
