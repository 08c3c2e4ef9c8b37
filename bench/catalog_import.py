"""`python -m bench.catalog_import [--items N]`: how fast `shopflow catalog import` loads a
product file, against the generator's own COPY loader on the same items in the same run.

On a fresh stack: the synthetic catalogue (N items, 6 warehouses, seed 42) is written as a
CSV in the import schema; then, each into its own empty database,
  baseline  load_catalog() of the same records (COPY straight into empty tables + index),
  import    `catalog import` of the CSV (parse + check every row, staging COPY, upsert),
            then the search reindex in this process,
  rerun     the same file again (checks everything, changes nothing, no reindex),
  update    the file with every price changed (N updates + reindex).
Prints one JSON line: rows/s of each and the ratios to the baseline.
"""

from __future__ import annotations

import argparse
import csv
import json
import tempfile
import time
from dataclasses import replace
from pathlib import Path

from sqlalchemy import text
from sqlalchemy.engine import make_url

from bench.common import bench_stack, log


def write_csv(path: Path, items, warehouse_ids: list[int], *, price_bump: int = 0) -> None:
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(
            ["sku", "name", "description", "price", "brand", "category"]
            + [f"stock.{w}" for w in warehouse_ids]
        )
        for item in items:
            units = dict(item.stock_by_warehouse)
            price = item.price + price_bump
            writer.writerow(
                [
                    item.sku,
                    item.name,
                    item.description,
                    f"{price // 100}.{price % 100:02d}",
                    item.brand,
                    item.category,
                ]
                + [units.get(w, "") for w in warehouse_ids]
            )


def fresh_database(settings, name: str):
    from db.postgres.engine import make_engine
    from db.postgres.migrate import upgrade

    admin = make_engine(settings.database_url, pool_size=1)
    with admin.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    admin.dispose()
    url = make_url(settings.database_url).set(database=name)
    fresh = replace(
        settings, database_url=url.render_as_string(hide_password=False), typesense_collection=name
    )
    upgrade(fresh.database_url)
    return fresh


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--items", type=int, default=100_000)
    args = parser.parse_args()

    from catalog.generator import generate_items, generate_warehouses
    from catalog.importer import import_catalog
    from catalog.loader import load_catalog, reindex_from_database
    from catalog.pg_writer import upsert_warehouses
    from db.postgres.engine import make_engine

    with bench_stack() as settings, tempfile.TemporaryDirectory() as tmp:
        warehouses = generate_warehouses(6, 42)
        ids = [w.id for w in warehouses]
        items = list(generate_items(args.items, warehouse_ids=ids, seed=42))
        file, changed = Path(tmp) / "products.csv", Path(tmp) / "changed.csv"
        write_csv(file, items, ids)
        write_csv(changed, items, ids, price_bump=1)
        log(f"{args.items:,} items written to {file} ({file.stat().st_size / 1e6:.1f} MB)")

        baseline_db = fresh_database(settings, "bench_baseline")
        started = time.perf_counter()
        load_catalog(baseline_db, warehouses, items, total=len(items), progress=False)
        baseline_s = time.perf_counter() - started
        log(f"baseline load_catalog: {baseline_s:.1f} s")

        target = fresh_database(settings, "bench_import")
        engine = make_engine(target.database_url, pool_size=1)
        with engine.begin() as conn:
            upsert_warehouses(conn.connection.driver_connection, warehouses)
        engine.dispose()

        def timed_import(path: Path) -> tuple[float, float, object]:
            started = time.perf_counter()
            report = import_catalog(target, path, progress=False)
            imported = time.perf_counter() - started
            reindex = 0.0
            if report.changed:
                started = time.perf_counter()
                reindex_from_database(target, progress=False)
                reindex = time.perf_counter() - started
            log(f"{path.name}: {report.summary()}; reindex {reindex:.1f} s")
            return imported, reindex, report

        import_s, import_reindex_s, first = timed_import(file)
        rerun_s, _, rerun = timed_import(file)
        update_s, update_reindex_s, update = timed_import(changed)

    n = args.items
    result = {
        "bench": "catalog_import",
        "items": n,
        "baseline_load_catalog_s": round(baseline_s, 2),
        "baseline_items_per_s": round(n / baseline_s),
        "import_s": round(import_s, 2),
        "import_reindex_s": round(import_reindex_s, 2),
        "import_items_per_s": round(n / (import_s + import_reindex_s)),
        "import_postgres_only_items_per_s": round(n / import_s),
        "rerun_s": round(rerun_s, 2),
        "rerun_changed": rerun.changed,
        "update_s": round(update_s + update_reindex_s, 2),
        "updated": update.updated,
        "inserted_first_run": first.inserted,
        "ratio_import_to_baseline": round(baseline_s / (import_s + import_reindex_s), 2),
        "ratio_update_to_baseline": round(baseline_s / (update_s + update_reindex_s), 2),
    }
    print(json.dumps(result))


if __name__ == "__main__":
    main()
