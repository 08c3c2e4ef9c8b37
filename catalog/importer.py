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
"""

from __future__ import annotations

import csv
import io
import json
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import Connection, text
from tqdm import tqdm

from catalog.state import catalog_load_lock
from db.engine import make_engine
from domain.catalog_rows import (
    KNOWN,
    STOCK_PREFIX,
    ProductRow,
    RowError,
    duplicate_sku_error,
    parse_row,
)
from settings import Settings

FORMATS = ("csv", "jsonl")
MAX_ERRORS_KEPT = 10_000  # a file that is wrong everywhere still gets a bounded report


class ImportFailed(Exception):
    """The file had errors and nothing was applied (see `report.errors`)."""

    def __init__(self, report: ImportReport) -> None:
        super().__init__(f"{len(report.errors)} error(s); nothing was imported")
        self.report = report


@dataclass
class ImportReport:
    path: str
    rows: int = 0  # data rows read
    inserted: int = 0
    updated: int = 0
    stock_changes: int = 0  # (item, warehouse) stock levels changed
    errors: list[RowError] = field(default_factory=list)
    skipped_lines: set[int] = field(default_factory=set)
    seconds: float = 0.0
    skipped_report: str | None = None

    @property
    def applied(self) -> int:
        return self.rows - len(self.skipped_lines)

    @property
    def changed(self) -> bool:
        return bool(self.inserted or self.updated or self.stock_changes)

    @property
    def rows_per_s(self) -> float:
        return self.rows / self.seconds if self.seconds else 0.0

    def summary(self) -> str:
        return (
            f"{self.rows:,} rows in {self.seconds:.1f} s ({self.rows_per_s:,.0f} rows/s): "
            f"{self.inserted:,} new, {self.updated:,} updated, "
            f"{self.applied - self.inserted - self.updated:,} unchanged, "
            f"{self.stock_changes:,} stock levels changed, {len(self.skipped_lines):,} skipped"
        )


def detect_format(path: Path, given: str | None) -> str:
    if given:
        return given
    suffix = path.suffix.lower()
    if suffix in (".jsonl", ".ndjson", ".json"):
        return "jsonl"
    if suffix in (".csv", ".txt"):
        return "csv"
    raise ValueError(f"Can't tell the format of {path.name}: give --format csv or --format jsonl.")


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
    try:
        with catalog_load_lock(engine), engine.begin() as conn:
            warehouses = _warehouse_codes(conn)
            _create_staging(conn)
            _stage_rows(conn, path, fmt, warehouses, report, batch_size, progress)
            if report.errors and not skip_invalid:
                raise ImportFailed(report)
            _refuse_impossible_stock(conn, report)
            if report.errors and not skip_invalid:
                raise ImportFailed(report)
            _merge(conn, report)
    finally:
        engine.dispose()
        report.seconds = time.perf_counter() - started
    if skip_invalid and report.errors:
        target = skipped_report or path.with_name(path.name + ".skipped.csv")
        _write_skipped(target, report.errors)
        report.skipped_report = str(target)
    return report


# --- reading -------------------------------------------------------------------------


def read_rows(path: Path, fmt: str, report: ImportReport) -> Iterator[tuple[int, dict]]:
    """(line number, values) of each data row; unreadable lines go to report.errors."""
    with path.open("r", encoding="utf-8-sig", newline="") as handle:
        if fmt == "csv":
            yield from _csv_rows(handle, report)
        else:
            yield from _jsonl_rows(handle, report)


def _csv_rows(handle: io.TextIOBase, report: ImportReport) -> Iterator[tuple[int, dict]]:
    reader = csv.DictReader(handle, restkey="\0extra")
    header = reader.fieldnames or []
    unknown = [c for c in header if c not in KNOWN and not c.startswith(STOCK_PREFIX)]
    for column in unknown:
        _error(report, RowError(1, column, "is not a column of the product file"))
    if len(set(header)) != len(header):
        _error(report, RowError(1, "header", "a column appears twice"))
    if unknown or not header:
        if not header:
            _error(report, RowError(1, "header", "the file is empty"))
        return
    line = 1
    while True:
        try:
            values = next(reader)
        except StopIteration:
            return
        except (csv.Error, UnicodeDecodeError) as exc:
            _error(report, RowError(reader.line_num, "(row)", f"unreadable: {exc}"))
            return
        line_start, line = line + 1, reader.line_num
        if "\0extra" in values:
            _error(report, RowError(line_start, "(row)", "more cells than the header has columns"))
            report.rows += 1
            report.skipped_lines.add(line_start)
            continue
        yield line_start, {k: v for k, v in values.items() if v is not None}


def _jsonl_rows(handle: io.TextIOBase, report: ImportReport) -> Iterator[tuple[int, dict]]:
    for line, raw in enumerate(_lines(handle, report), start=1):
        if raw is None:
            return
        if not raw.strip():
            continue
        try:
            values = json.loads(raw)
        except ValueError as exc:
            values = exc
        if not isinstance(values, dict):
            _error(report, RowError(line, "(row)", "not a JSON object ({...} on one line)"))
            report.rows += 1
            report.skipped_lines.add(line)
            continue
        stock = values.pop("stock", None)  # {"stock": {"seattle": 5}} == "stock.seattle": 5
        if isinstance(stock, dict):
            values.update({f"{STOCK_PREFIX}{code}": units for code, units in stock.items()})
        elif stock is not None:
            values["stock"] = stock  # reported as an unknown column
        yield line, values


def _lines(handle: io.TextIOBase, report: ImportReport) -> Iterator[str | None]:
    line = 0
    while True:
        try:
            raw = handle.readline()
        except UnicodeDecodeError as exc:
            _error(report, RowError(line + 1, "(row)", f"not UTF-8 text: {exc.reason}"))
            yield None
            return
        if raw == "":
            return
        line += 1
        yield raw


def _error(report: ImportReport, error: RowError) -> None:
    if len(report.errors) < MAX_ERRORS_KEPT:
        report.errors.append(error)


# --- staging -------------------------------------------------------------------------

_STAGING = """
CREATE TEMP TABLE import_items (
    line integer, sku text PRIMARY KEY, name text, description text, price integer,
    brand text, category text, rating double precision, image_url text
) ON COMMIT DROP;
CREATE TEMP TABLE import_stock (
    line integer, sku text, warehouse_id integer, units integer
) ON COMMIT DROP;
"""


def _warehouse_codes(conn: Connection) -> dict[str, int]:
    codes: dict[str, int] = {}
    for row in conn.execute(text("SELECT id, name FROM warehouses")):
        codes[str(row.id)] = row.id
        codes[row.name.lower()] = row.id
    return codes


def _create_staging(conn: Connection) -> None:
    for statement in _STAGING.split(";"):
        if statement.strip():
            conn.execute(text(statement))


def _stage_rows(
    conn: Connection,
    path: Path,
    fmt: str,
    warehouses: dict[str, int],
    report: ImportReport,
    batch_size: int,
    progress: bool,
) -> None:
    first_line_of: dict[str, int] = {}
    batch: list[ProductRow] = []
    bar = tqdm(desc="Importing", unit=" items", disable=not progress, smoothing=0.1)
    try:
        for line, values in read_rows(path, fmt, report):
            report.rows += 1
            bar.update(1)
            row, errors = parse_row(line, values, warehouses)
            if row is not None and row.sku in first_line_of:
                errors = [duplicate_sku_error(line, row.sku, first_line_of[row.sku])]
            if errors:
                for error in errors:
                    _error(report, error)
                report.skipped_lines.add(line)
                continue
            first_line_of[row.sku] = line
            batch.append(row)
            if len(batch) >= batch_size:
                _copy(conn, batch)
                batch = []
        _copy(conn, batch)
    finally:
        bar.close()


def _copy(conn: Connection, rows: list[ProductRow]) -> None:
    if not rows:
        return
    cursor = conn.connection.driver_connection.cursor()
    with cursor.copy(
        "COPY import_items (line, sku, name, description, price, brand, category, rating,"
        " image_url) FROM STDIN"
    ) as copy:
        for r in rows:
            copy.write_row(
                (
                    r.line,
                    r.sku,
                    r.name,
                    r.description,
                    r.price,
                    r.brand,
                    r.category,
                    r.rating,
                    r.image_url,
                )
            )
    with cursor.copy("COPY import_stock (line, sku, warehouse_id, units) FROM STDIN") as copy:
        for r in rows:
            for warehouse_id, units in r.stock.items():
                copy.write_row((r.line, r.sku, warehouse_id, units))


# --- checking and merging ------------------------------------------------------------

# Lock the stock rows the file changes (in key order), then find what cannot be taken
# away: units held for checkouts or assigned to suborders are not the file's to remove.
_LOCK_STOCK = """
SELECT 1 FROM warehouse_stock ws JOIN items i ON i.id = ws.item_id
WHERE i.sku IN (SELECT sku FROM import_stock)
ORDER BY ws.item_id, ws.warehouse_id FOR UPDATE OF ws;
SELECT 1 FROM aggregated_stock a JOIN items i ON i.id = a.item_id
WHERE i.sku IN (SELECT sku FROM import_stock)
ORDER BY a.item_id FOR UPDATE OF a
"""
_IMPOSSIBLE_STOCK = """
WITH d AS (
    SELECT st.line, st.sku, st.warehouse_id, i.id AS item_id,
           st.units - COALESCE(ws.physical_stock, 0) AS delta,
           COALESCE(ws.available_stock, 0) AS available
    FROM import_stock st
    JOIN items i ON i.sku = st.sku
    LEFT JOIN warehouse_stock ws ON ws.item_id = i.id AND ws.warehouse_id = st.warehouse_id
)
SELECT d.line, d.sku, d.warehouse_id, d.delta, d.available, COALESCE(a.stock, 0) AS aggregated,
       SUM(d.delta) OVER (PARTITION BY d.item_id) AS item_delta
FROM d LEFT JOIN aggregated_stock a ON a.item_id = d.item_id
WHERE d.delta < 0
ORDER BY d.line
"""


def _refuse_impossible_stock(conn: Connection, report: ImportReport) -> None:
    for statement in _LOCK_STOCK.split(";"):
        conn.execute(text(statement))
    refused: set[str] = set()
    for row in conn.execute(text(_IMPOSSIBLE_STOCK)):
        free = min(row.available, row.aggregated)
        if row.available + row.delta >= 0 and row.aggregated + row.item_delta >= 0:
            continue
        _error(
            report,
            RowError(
                row.line,
                f"stock.{row.warehouse_id}",
                f"can't take away {-row.delta} units: only {free} are free "
                "(the rest are held for checkouts or assigned to orders)",
            ),
        )
        report.skipped_lines.add(row.line)
        refused.add(row.sku)
    if refused:  # with --skip-invalid those rows are left out entirely
        conn.execute(text("DELETE FROM import_items WHERE sku = ANY(:s)"), {"s": list(refused)})
        conn.execute(text("DELETE FROM import_stock WHERE sku = ANY(:s)"), {"s": list(refused)})


_UPDATE_ITEMS = """
UPDATE items i SET
    name = s.name, description = s.description, price = s.price, brand = s.brand,
    category = s.category, rating = COALESCE(s.rating, i.rating), image_url = s.image_url
FROM import_items s
WHERE i.sku = s.sku
  AND (i.name, i.description, i.price, i.brand, i.category, i.rating, i.image_url)
      IS DISTINCT FROM
      (s.name, s.description, s.price, s.brand, s.category, COALESCE(s.rating, i.rating),
       s.image_url)
"""
_INSERT_ITEMS = """
INSERT INTO items (id, sku, name, description, category, brand, price, rating, image_url)
SELECT (SELECT COALESCE(MAX(id), 0) FROM items) + ROW_NUMBER() OVER (ORDER BY s.line),
       s.sku, s.name, s.description, s.category, s.brand, s.price, COALESCE(s.rating, 0),
       s.image_url
FROM import_items s
WHERE NOT EXISTS (SELECT 1 FROM items i WHERE i.sku = s.sku)
"""
_NEW_STOCK_ROWS = """
INSERT INTO aggregated_stock (item_id, stock)
SELECT i.id, 0 FROM import_items s JOIN items i ON i.sku = s.sku
ON CONFLICT (item_id) DO NOTHING
"""
_DELTAS = """
CREATE TEMP TABLE import_deltas ON COMMIT DROP AS
SELECT i.id AS item_id, st.warehouse_id, st.units - COALESCE(ws.physical_stock, 0) AS delta
FROM import_stock st
JOIN items i ON i.sku = st.sku
LEFT JOIN warehouse_stock ws ON ws.item_id = i.id AND ws.warehouse_id = st.warehouse_id
WHERE st.units <> COALESCE(ws.physical_stock, 0)
"""
_APPLY_DELTAS = """
INSERT INTO warehouse_stock (item_id, warehouse_id, physical_stock, available_stock)
SELECT item_id, warehouse_id, delta, delta FROM import_deltas ORDER BY item_id, warehouse_id
ON CONFLICT (item_id, warehouse_id) DO UPDATE SET
    physical_stock = warehouse_stock.physical_stock + EXCLUDED.physical_stock,
    available_stock = warehouse_stock.available_stock + EXCLUDED.available_stock;
UPDATE aggregated_stock a SET stock = a.stock + d.total
FROM (SELECT item_id, SUM(delta) AS total FROM import_deltas GROUP BY item_id) d
WHERE a.item_id = d.item_id
"""


def _merge(conn: Connection, report: ImportReport) -> None:
    report.updated = conn.execute(text(_UPDATE_ITEMS)).rowcount
    report.inserted = conn.execute(text(_INSERT_ITEMS)).rowcount
    conn.execute(text(_NEW_STOCK_ROWS))
    conn.execute(text(_DELTAS))
    report.stock_changes = conn.execute(text("SELECT count(*) FROM import_deltas")).scalar_one()
    for statement in _APPLY_DELTAS.split(";"):
        conn.execute(text(statement))


def _write_skipped(target: Path, errors: list[RowError]) -> None:
    with target.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["line", "field", "message"])
        for error in sorted(errors, key=lambda e: e.line):
            writer.writerow([error.line, error.field, error.message])
