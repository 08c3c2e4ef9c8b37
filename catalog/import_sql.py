"""The SQL of a catalogue import, inside the caller's one transaction: rows COPYed into
temporary staging tables, stock changes that would take away held or assigned units
refused, then items and stock merged in a few set-based statements.
"""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import Connection, text
from tqdm import tqdm

from catalog.import_report import ImportReport
from catalog.picture_sources import PictureImport, StoredPicture
from catalog.pictures import BadPicture
from catalog.product_file import read_rows
from domain.catalog_rows import ProductRow, RowError, duplicate_sku_error, parse_row

_STAGING = """
CREATE TEMP TABLE import_items (
    line integer, sku text PRIMARY KEY, name text, description text, price integer,
    brand text, category text, rating double precision, picture text, picture_origin text
) ON COMMIT DROP;
CREATE TEMP TABLE import_stock (
    line integer, sku text, warehouse_id integer, units integer
) ON COMMIT DROP;
"""


def warehouse_codes(conn: Connection) -> dict[str, int]:
    codes: dict[str, int] = {}
    for row in conn.execute(text("SELECT id, name FROM warehouses")):
        codes[str(row.id)] = row.id
        codes[row.name.lower()] = row.id
    return codes


def create_staging(conn: Connection) -> None:
    for statement in _STAGING.split(";"):
        if statement.strip():
            conn.execute(text(statement))


def stage_rows(
    conn: Connection,
    path: Path,
    fmt: str,
    warehouses: dict[str, int],
    report: ImportReport,
    batch_size: int,
    progress: bool,
    pictures: PictureImport,
) -> None:
    first_line_of: dict[str, int] = {}
    batch: list[tuple[ProductRow, StoredPicture | None]] = []
    bar = tqdm(desc="Importing", unit=" items", disable=not progress, smoothing=0.1)
    try:
        for line, values in read_rows(path, fmt, report):
            report.rows += 1
            bar.update(1)
            row, errors = parse_row(line, values, warehouses)
            if row is not None and row.sku in first_line_of:
                errors = [duplicate_sku_error(line, row.sku, first_line_of[row.sku])]
            picture = None
            if not errors:
                try:
                    picture = pictures.store(row)
                except BadPicture as bad:
                    field = "imageURL" if row.image_url else "imagePath"
                    errors = [RowError(line, field, str(bad))]
            if errors:
                for error in errors:
                    report.add_error(error)
                report.skipped_lines.add(line)
                continue
            first_line_of[row.sku] = line
            batch.append((row, picture))
            if len(batch) >= batch_size:
                _copy(conn, batch)
                batch = []
        _copy(conn, batch)
    finally:
        bar.close()


def _copy(conn: Connection, rows: list[tuple[ProductRow, StoredPicture | None]]) -> None:
    if not rows:
        return
    cursor = conn.connection.driver_connection.cursor()
    with cursor.copy(
        "COPY import_items (line, sku, name, description, price, brand, category, rating,"
        " picture, picture_origin) FROM STDIN"
    ) as copy:
        for r, picture in rows:
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
                    picture.hash if picture else None,
                    picture.origin if picture else None,
                )
            )
    with cursor.copy("COPY import_stock (line, sku, warehouse_id, units) FROM STDIN") as copy:
        for r, _ in rows:
            for warehouse_id, units in r.stock.items():
                copy.write_row((r.line, r.sku, warehouse_id, units))


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


def refuse_impossible_stock(conn: Connection, report: ImportReport) -> None:
    for statement in _LOCK_STOCK.split(";"):
        conn.execute(text(statement))
    refused: set[str] = set()
    for row in conn.execute(text(_IMPOSSIBLE_STOCK)):
        free = min(row.available, row.aggregated)
        if row.available + row.delta >= 0 and row.aggregated + row.item_delta >= 0:
            continue
        report.add_error(
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


_INSERT_PICTURES = """
INSERT INTO pictures (hash, origin)
SELECT DISTINCT ON (picture) picture, picture_origin FROM import_items
WHERE picture IS NOT NULL ORDER BY picture, line
ON CONFLICT (hash) DO NOTHING
"""
# A product file's `rating` column is read and checked but never written: an item's
# rating is the average of its reviews (docs/reviews.md), not a number typed in.
_UPDATE_ITEMS = """
UPDATE items i SET
    name = s.name, description = s.description, price = s.price, brand = s.brand,
    category = s.category, picture = s.picture
FROM import_items s
WHERE i.sku = s.sku
  AND (i.name, i.description, i.price, i.brand, i.category, i.picture)
      IS DISTINCT FROM
      (s.name, s.description, s.price, s.brand, s.category, s.picture)
"""
_INSERT_ITEMS = """
INSERT INTO items (id, sku, name, description, category, brand, price, picture)
SELECT (SELECT COALESCE(MAX(id), 0) FROM items) + ROW_NUMBER() OVER (ORDER BY s.line),
       s.sku, s.name, s.description, s.category, s.brand, s.price, s.picture
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


def merge(conn: Connection, report: ImportReport) -> None:
    conn.execute(text(_INSERT_PICTURES))
    report.updated = conn.execute(text(_UPDATE_ITEMS)).rowcount
    report.inserted = conn.execute(text(_INSERT_ITEMS)).rowcount
    conn.execute(text(_NEW_STOCK_ROWS))
    conn.execute(text(_DELTAS))
    report.stock_changes = conn.execute(text("SELECT count(*) FROM import_deltas")).scalar_one()
    for statement in _APPLY_DELTAS.split(";"):
        conn.execute(text(statement))
