"""The demo catalogue `make run` and `make run-cluster` load into an empty database."""

from __future__ import annotations

import click

from settings import Settings


def load_demo_catalogue_if_empty(settings: Settings) -> None:
    from catalog.generator import generate_items, generate_warehouses
    from catalog.loader import catalog_is_empty, load_catalog

    if not catalog_is_empty(settings):
        click.echo("catalogue: already loaded, keeping it")
        return
    click.echo(f"catalogue: empty database, loading {settings.demo_items:,} demo items")
    warehouses = generate_warehouses(settings.demo_warehouses, settings.demo_seed)
    items = generate_items(
        settings.demo_items, warehouse_ids=[w.id for w in warehouses], seed=settings.demo_seed
    )
    load_catalog(settings, warehouses, items, total=settings.demo_items, progress=True)
