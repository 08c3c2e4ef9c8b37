"""`shopflow catalog import FILE`: an operator's product file (CSV or JSON Lines) into the
store, upserted by sku, in ONE PostgreSQL transaction; the search index is rebuilt after.

1. Read and check every row (domain/catalog_rows.py), COPYing the good ones into
   temporary staging tables in batches; a progress bar shows rows/s.
2. Any bad row (or a duplicate sku) and no `--skip-invalid`: roll back, report every
   error with its line and field. Nothing is applied.
3. Stock columns set a warehouse's physical stock to the given number: the difference is
   added to (or taken from) physical, available and aggregated stock together, so
   invariants I1-I2 hold with orders in flight. Taking away units that are held or
   assigned is refused for that row.
4. Items are updated where something differs, new skus inserted with new ids, the
   transaction commits; re-running the same file changes nothing (and skips the reindex).

The file is read by catalog/product_file.py, its SQL is catalog/import_sql.py and the
outcome an ImportReport (catalog/import_report.py).
"""

from __future__ import annotations

import time
from pathlib import Path

from catalog.import_report import ImportFailed, ImportReport, write_skipped
from catalog.import_sql import (
    create_staging,
    merge,
    refuse_impossible_stock,
    stage_rows,
    warehouse_codes,
)
from catalog.picture_sources import PictureImport
from catalog.product_file import detect_format
from catalog.state import catalog_load_lock
from db.media.store import MediaStore
from db.postgres.engine import make_engine
from settings import Settings


def import_catalog(
    settings: Settings,
    path: Path,
    *,
    fmt: str | None = None,
    skip_invalid: bool = False,
    skipped_report: Path | None = None,
    batch_size: int = 5_000,
    progress: bool = True,
) -> ImportReport:
    """Apply the file (see the module docstring); ImportFailed when nothing was applied."""
    fmt = detect_format(path, fmt)
    report = ImportReport(str(path))
    started = time.perf_counter()
    engine = make_engine(settings.database_url, pool_size=1)
    # imagePath is read beside the product file, never elsewhere (docs/catalog-import.md).
    pictures = PictureImport(MediaStore(settings.media_path), path.parent)
    try:
        with catalog_load_lock(engine), engine.begin() as conn:
            warehouses = warehouse_codes(conn)
            create_staging(conn)
            stage_rows(conn, path, fmt, warehouses, report, batch_size, progress, pictures)
            if report.errors and not skip_invalid:
                raise ImportFailed(report)
            refuse_impossible_stock(conn, report)
            if report.errors and not skip_invalid:
                raise ImportFailed(report)
            merge(conn, report)
    finally:
        pictures.close()
        engine.dispose()
        report.seconds = time.perf_counter() - started
    if skip_invalid and report.errors:
        target = skipped_report or path.with_name(path.name + ".skipped.csv")
        write_skipped(target, report.errors)
        report.skipped_report = str(target)
    return report
