"""A generated catalogue loaded into a test's own database and collection
(catalog/generator.py), for tests that need more items than tests/web/catalogue.py has."""

from __future__ import annotations

from settings import Settings


def load_generated(
    settings: Settings, items: int, *, warehouses: tuple[int, int], seed: int
) -> Settings:
    """Load `items` generated items over generate_warehouses(*warehouses); returns `settings`."""
    from catalog.generator import generate_items, generate_warehouses
    from catalog.loader import load_catalog

    sites = generate_warehouses(*warehouses)
    rows = generate_items(items, warehouse_ids=[w.id for w in sites], seed=seed)
    load_catalog(settings, sites, rows, total=items, progress=False)
    return settings
