"""An operator loads a product file with `shopflow catalog import`: CSV or JSON Lines,
upserted by sku, every bad row named by line and field (and nothing applied unless
--skip-invalid), re-running changes nothing, a changed price shows in search."""

from __future__ import annotations

import shutil
from datetime import UTC, datetime
from pathlib import Path

import pytest
from click.testing import CliRunner
from sqlalchemy import text

from db.postgres.invariants import check_invariants
from db.search.schema import SEARCH_FIELDS
from domain.pictures import hash_of
from entrypoints.catalog_reindex import catalog_commands
from tests.catalog.conftest import scalar, search_index_for

pytestmark = pytest.mark.integration

SAMPLES = Path(__file__).resolve().parents[2] / "catalog" / "samples"
CSV = SAMPLES / "products.csv"
JSONL = SAMPLES / "products.jsonl"
WITH_ERRORS = SAMPLES / "products-with-errors.csv"


@pytest.fixture
def store(catalog_settings, catalog_engine):
    """An empty catalogue with warehouses 1 (Seattle) and 2 (Newark)."""
    with catalog_engine.begin() as conn:
        conn.execute(
            text(
                "INSERT INTO warehouses (id, name, region, latitude, longitude, active) VALUES"
                " (1, 'Seattle', 'Seattle, WA, US', 47.6, -122.3, true),"
                " (2, 'Newark', 'Newark, NJ, US', 40.7, -74.2, true)"
            )
        )
    return catalog_settings


def run_import(settings, *args: str):
    return CliRunner().invoke(
        catalog_commands(),
        ["import", *map(str, args), "--no-progress", "--reindex", "here"],
        obj=settings,
        catch_exceptions=False,
    )


def beside_the_samples_pictures(folder: Path) -> Path:
    """A products.csv path in `folder`, whose images/ are the samples' (imagePath)."""
    shutil.copytree(SAMPLES / "images", folder / "images")
    return folder / "products.csv"


def item(engine, sku: str) -> dict:
    with engine.connect() as conn:
        row = conn.execute(
            text(
                "SELECT i.id, i.price, i.rating, i.picture, a.stock FROM items i"
                " LEFT JOIN aggregated_stock a ON a.item_id = i.id WHERE i.sku = :s"
            ),
            {"s": sku},
        ).one()
        stock = dict(
            conn.execute(
                text("SELECT warehouse_id, physical_stock FROM warehouse_stock WHERE item_id = :i"),
                {"i": row.id},
            ).all()
        )
    return {**row._asdict(), "warehouses": stock}


def searched(settings, words: str) -> list[dict]:
    index = search_index_for(settings)
    found = index.client.collections[settings.typesense_collection].documents.search(
        {"q": words, "query_by": SEARCH_FIELDS}
    )
    return [hit["document"] for hit in found["hits"]]


def assert_invariants(engine) -> None:
    report = check_invariants(engine, now=datetime.now(UTC))
    assert report.ok, [str(v) for v in report.violations]


def test_a_csv_file_creates_its_products_with_stock_and_images_and_search_finds_them(
    store, catalog_engine
):
    result = run_import(store, CSV)

    assert result.exit_code == 0, result.output
    assert "5 rows" in result.output and "5 new" in result.output
    kettle = item(catalog_engine, "SMP-KETTLE-1")
    # The file's rating (4.6) is not stored: ratings come only from reviews.
    assert kettle["price"] == 4990 and kettle["rating"] is None
    assert kettle["picture"] == hash_of((SAMPLES / "images" / "kettle.png").read_bytes())
    assert kettle["stock"] == 15 and kettle["warehouses"] == {1: 12, 2: 3}
    filters = item(catalog_engine, "SMP-FILTER-1")
    assert filters["stock"] == 0 and filters["warehouses"] == {}
    assert item(catalog_engine, "SMP-GRINDER-1")["rating"] is None
    assert [d["sku"] for d in searched(store, "gooseneck")] == ["SMP-KETTLE-1"]
    assert_invariants(catalog_engine)


def test_a_json_lines_file_with_nested_or_flat_stock_and_a_blank_line_loads(store, catalog_engine):
    result = run_import(store, JSONL)

    assert result.exit_code == 0, result.output
    assert "3 rows" in result.output
    assert item(catalog_engine, "SMP-LAMP-1")["warehouses"] == {1: 7}
    assert item(catalog_engine, "SMP-THROW-1")["price"] == 7950
    assert item(catalog_engine, "SMP-THROW-1")["warehouses"] == {2: 4}


def test_running_the_same_file_again_changes_nothing(store, catalog_engine):
    assert run_import(store, CSV).exit_code == 0
    version = scalar(catalog_engine, "SELECT version FROM catalog_state")
    before = scalar(catalog_engine, "SELECT count(*) FROM items")

    again = run_import(store, CSV)

    assert again.exit_code == 0, again.output
    assert "0 new, 0 updated, 5 unchanged, 0 stock levels changed" in again.output
    assert "Nothing changed" in again.output
    assert scalar(catalog_engine, "SELECT version FROM catalog_state") == version
    assert scalar(catalog_engine, "SELECT count(*) FROM items") == before


def test_a_changed_price_and_stock_are_upserted_by_sku_and_show_in_search(
    store, catalog_engine, tmp_path
):
    assert run_import(store, CSV).exit_code == 0
    kettle_id = item(catalog_engine, "SMP-KETTLE-1")["id"]
    changed = beside_the_samples_pictures(tmp_path)
    changed.write_text(
        CSV.read_text()
        .replace(",49.90,Brewhaus", ",44.00,Brewhaus")
        .replace("kettle.png,12,3", "kettle.png,20,3")
    )

    result = run_import(store, changed)

    assert result.exit_code == 0, result.output
    assert "0 new, 1 updated" in result.output and "1 stock levels changed" in result.output
    kettle = item(catalog_engine, "SMP-KETTLE-1")
    assert kettle["id"] == kettle_id  # the same item, not a new one
    assert kettle["price"] == 4400 and kettle["stock"] == 23 and kettle["warehouses"][1] == 20
    assert [d["price"] for d in searched(store, "gooseneck")] == [4400]
    assert_invariants(catalog_engine)


def test_a_file_with_errors_reports_every_bad_row_by_line_and_field_and_applies_nothing(
    store, catalog_engine
):
    result = CliRunner().invoke(
        catalog_commands(),
        ["import", str(WITH_ERRORS), "--no-progress", "--reindex", "here"],
        obj=store,
    )

    assert result.exit_code == 1
    out = result.output
    for expected in [
        "line 3, sku:",
        "line 4, price: has more than two decimals",
        "line 5, name: is required",
        "line 5, rating: must be from 0 to 5",
        "line 6, imageURL: must start with http:// or https://",
        "line 6, stock.1:",
        "line 7, sku: 'SMP-OK-1' is already on line 2",
        "nothing was imported",
    ]:
        assert expected in out, out
    assert scalar(catalog_engine, "SELECT count(*) FROM items") == 0


def test_with_skip_invalid_the_good_rows_load_and_the_skipped_ones_are_written_down(
    store, catalog_engine, tmp_path
):
    report = tmp_path / "skipped.csv"

    result = run_import(store, WITH_ERRORS, "--skip-invalid", "--report", report)

    assert result.exit_code == 0, result.output
    assert "2 new" in result.output and "5 skipped" in result.output
    skus = {r[0] for r in _rows(catalog_engine, "SELECT sku FROM items")}
    assert skus == {"SMP-OK-1", "SMP-OK-2"}
    lines = report.read_text().splitlines()
    assert lines[0] == "line,field,message"
    assert {line.split(",")[0] for line in lines[1:]} == {"3", "4", "5", "6", "7"}


def test_taking_away_stock_that_is_held_for_a_checkout_is_refused(store, catalog_engine, tmp_path):
    assert run_import(store, CSV).exit_code == 0
    kettle = item(catalog_engine, "SMP-KETTLE-1")
    with catalog_engine.begin() as conn:  # a checkout holds 10 of the 15 units
        conn.execute(
            text("UPDATE aggregated_stock SET stock = stock - 10 WHERE item_id = :i"),
            {"i": kettle["id"]},
        )
        conn.execute(
            text(
                "INSERT INTO reservations (checkout_id, item_id, quantity, expires_at, state)"
                " VALUES ('chk-import', :i, 10, now() + interval '5 minutes', 'HELD')"
            ),
            {"i": kettle["id"]},
        )
    emptied = beside_the_samples_pictures(tmp_path)
    emptied.write_text(CSV.read_text().replace("kettle.png,12,3", "kettle.png,0,0"))

    result = CliRunner().invoke(
        catalog_commands(),
        ["import", str(emptied), "--no-progress", "--reindex", "none"],
        obj=store,
    )

    assert result.exit_code == 1
    assert "line 2, stock.1: can't take away 12 units: only 5 are free" in result.output
    assert item(catalog_engine, "SMP-KETTLE-1")["warehouses"] == {1: 12, 2: 3}
    assert_invariants(catalog_engine)


def test_the_search_index_is_rebuilt_by_the_reindex_workflow(
    store, catalog_engine, checkout_worker
):
    served = checkout_worker.serve(store)

    result = CliRunner().invoke(
        catalog_commands(),
        ["import", str(JSONL), "--no-progress"],
        obj=served,
        catch_exceptions=False,
    )

    assert result.exit_code == 0, result.output
    assert "Reindex workflow id" in result.output and "Indexed 3 items" in result.output
    assert [d["sku"] for d in searched(store, "wool throw")] == ["SMP-THROW-1"]


def test_a_file_whose_format_cannot_be_told_is_a_usage_error(store, tmp_path):
    odd = tmp_path / "products.xlsx"
    odd.write_text("sku\n")
    result = CliRunner().invoke(catalog_commands(), ["import", str(odd)], obj=store)
    assert result.exit_code == 2 and "--format" in result.output


def _rows(engine, sql: str):
    with engine.connect() as conn:
        return conn.execute(text(sql)).all()


def test_imported_items_with_a_picture_show_it_in_every_size_from_the_media_store(
    store, catalog_engine
):
    from entrypoints.web_services import build_web_app

    assert run_import(store, CSV).exit_code == 0
    kettle = item(catalog_engine, "SMP-KETTLE-1")
    grinder = item(catalog_engine, "SMP-GRINDER-1")["id"]
    source = f"/media/{kettle['picture']}-480.webp"
    app = build_web_app(store)
    try:
        client = app.test_client()
        page = client.get(f"/items/{kettle['id']}").get_data(as_text=True)
        assert f'class="item__media item__image" src="{source}" srcset=' in page
        assert 'width="480" height="480"' in page
        assert "item__image" not in client.get(f"/items/{grinder}").get_data(as_text=True)
        results = client.get("/search", query_string={"query": "gooseneck"}).get_data(as_text=True)
        assert f'src="{source}"' in results and 'loading="lazy"' in results
        for px in (160, 480, 960):
            served = client.get(f"/media/{kettle['picture']}-{px}.webp")
            assert served.status_code == 200 and served.mimetype == "image/webp"
        api = client.get(f"/api/v1/items/{kettle['id']}").get_json()
        assert api["imageURL"] == source
    finally:
        app.extensions["shopflow"].close()
