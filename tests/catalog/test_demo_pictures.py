"""The demo catalogue's items each name their drawing (recipes in `pictures`, nothing drawn
at load), the search index carries it, and `catalog draw-pictures` draws them all ahead."""

from __future__ import annotations

from dataclasses import replace

import pytest
from click.testing import CliRunner
from sqlalchemy import text

from catalog.generator import generate_items, generate_warehouses
from catalog.loader import load_catalog
from catalog.pictures import EXTENSION
from entrypoints.catalog_reindex import catalog_commands
from tests.catalog.conftest import search_index_for

pytestmark = pytest.mark.integration


def test_demo_items_name_their_drawing_and_draw_pictures_draws_each_once(
    catalog_settings, catalog_engine, tmp_path
):
    settings = replace(catalog_settings, media_dir=tmp_path / "media")
    warehouses = generate_warehouses(2, seed=7)
    items = list(generate_items(30, warehouse_ids=[1, 2], seed=7))
    load_catalog(settings, warehouses, items, total=30, progress=False)
    assert not (tmp_path / "media").exists()  # nothing drawn at load

    with catalog_engine.connect() as conn:
        named = dict(conn.execute(text("SELECT sku, picture FROM items")).all())
        recipes = dict(
            conn.execute(
                text("SELECT hash, drawing FROM pictures WHERE origin = 'demo drawing'")
            ).all()
        )
    assert named == {item.sku: item.picture for item in items}
    assert recipes[items[0].picture] == items[0].drawing.to_json()
    index = search_index_for(settings)
    document = (
        index.client.collections[settings.typesense_collection]
        .documents[str(items[0].id)]
        .retrieve()
    )
    assert document["picture"] == items[0].picture

    def draw(*args: str):
        return CliRunner().invoke(
            catalog_commands(),
            ["draw-pictures", "--no-progress", *args],
            obj=settings,
            catch_exceptions=False,
        )

    first = draw("--size", "160")
    assert first.exit_code == 0, first.output
    distinct = len(set(named.values()))
    assert f"{distinct:,} files drawn" in first.output
    drawn = sorted(p.name for p in (tmp_path / "media").rglob(f"*.{EXTENSION}"))
    assert drawn == sorted(f"{h}-160.{EXTENSION}" for h in set(named.values()))
    assert f": {2 * distinct:,} files drawn" in draw().output  # the 480 and 960 px ones
    assert ": 0 files drawn" in draw().output  # all there: nothing drawn twice
