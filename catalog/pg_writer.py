"""Bulk writes of catalogue records into PostgreSQL with COPY.

Two modes, chosen once per load:
- into an empty catalogue, COPY goes straight into the tables (the fast path that
  `make run` and the benchmark take);
- over an existing catalogue, COPY goes into temporary staging tables and is merged
  with upserts, so ids that are already there (and referenced by carts or orders) are
  replaced in place instead of failing the load.

Either way aggregated_stock = Σ warehouse units and available = physical = units:
invariant I1 with nothing in flight.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from psycopg import Connection as PgConnection
from psycopg import Cursor
from psycopg.types.json import Jsonb

from catalog.demo_reviews import demo_review_rows
from catalog.records import ItemRecord, WarehouseRecord

ITEM_COLUMNS = "id, sku, name, description, category, brand, price, rating, review_count, picture"
REVIEW_COLUMNS = "item_id, rating, title, body, demo, created_at, updated_at"

_UPSERT_WAREHOUSES = """
INSERT INTO warehouses (id, name, region, latitude, longitude, active)
VALUES (%s, %s, %s, %s, %s, true)
ON CONFLICT (id) DO UPDATE SET
    name = EXCLUDED.name, region = EXCLUDED.region,
    latitude = EXCLUDED.latitude, longitude = EXCLUDED.longitude
"""

# Demo drawings' recipes (docs/media.md): two items may share one (same name, category
# and colour), so they go through a staging table and are inserted once.
_CREATE_PICTURE_STAGING = """
CREATE TEMP TABLE IF NOT EXISTS staging_pictures
    (hash varchar(32), drawing jsonb) ON COMMIT DROP
"""
_MERGE_PICTURES = """
INSERT INTO pictures (hash, origin, drawing)
SELECT DISTINCT ON (hash) hash, 'demo drawing', drawing FROM staging_pictures
ON CONFLICT (hash) DO NOTHING;
TRUNCATE staging_pictures
"""

_CREATE_STAGING = """
CREATE TEMP TABLE IF NOT EXISTS staging_items
    (LIKE items INCLUDING DEFAULTS) ON COMMIT DROP;
CREATE TEMP TABLE IF NOT EXISTS staging_aggregated_stock
    (item_id bigint, stock integer) ON COMMIT DROP;
CREATE TEMP TABLE IF NOT EXISTS staging_warehouse_stock
    (item_id bigint, warehouse_id integer, physical_stock integer, available_stock integer)
    ON COMMIT DROP;
CREATE TEMP TABLE IF NOT EXISTS staging_reviews
    (item_id bigint, rating smallint, title text, body text, demo boolean,
     created_at timestamptz, updated_at timestamptz) ON COMMIT DROP;
"""

_MERGE_STAGING = """
INSERT INTO items (
    id, sku, name, description, category, brand, price, rating, review_count, picture
)
SELECT id, sku, name, description, category, brand, price, rating, review_count, picture
FROM staging_items
ON CONFLICT (id) DO UPDATE SET
    sku = EXCLUDED.sku, name = EXCLUDED.name, description = EXCLUDED.description,
    category = EXCLUDED.category, brand = EXCLUDED.brand, price = EXCLUDED.price,
    rating = EXCLUDED.rating, review_count = EXCLUDED.review_count, picture = EXCLUDED.picture;
-- The demo reviews are replaced; shoppers' own reviews stay and count in the rating
-- (rounded half up to one decimal, as domain/reviews.py does), which the relay then
-- pushes to the search index (rating_search_pending).
DELETE FROM reviews r USING staging_items s WHERE r.item_id = s.id AND r.demo;
INSERT INTO reviews (item_id, rating, title, body, demo, created_at, updated_at)
SELECT item_id, rating, title, body, demo, created_at, updated_at FROM staging_reviews;
UPDATE items i SET rating = agg.rating, review_count = agg.reviews
FROM (
    SELECT s.id, count(r.id) AS reviews, round(avg(r.rating), 1)::float8 AS rating
    FROM staging_items s LEFT JOIN reviews r ON r.item_id = s.id GROUP BY s.id
) agg
WHERE i.id = agg.id AND (i.rating, i.review_count) IS DISTINCT FROM (agg.rating, agg.reviews);
INSERT INTO rating_search_pending (item_id)
SELECT r.item_id FROM reviews r JOIN staging_items s ON s.id = r.item_id AND NOT r.demo
GROUP BY r.item_id
ON CONFLICT (item_id) DO UPDATE SET seq = nextval('rating_search_seq');
INSERT INTO aggregated_stock (item_id, stock)
SELECT item_id, stock FROM staging_aggregated_stock
ON CONFLICT (item_id) DO UPDATE SET stock = EXCLUDED.stock;
DELETE FROM warehouse_stock ws USING staging_items s WHERE ws.item_id = s.id;
INSERT INTO warehouse_stock (item_id, warehouse_id, physical_stock, available_stock)
SELECT item_id, warehouse_id, physical_stock, available_stock FROM staging_warehouse_stock;
TRUNCATE staging_items, staging_aggregated_stock, staging_warehouse_stock, staging_reviews;
"""


def upsert_warehouses(conn: PgConnection, warehouses: Sequence[WarehouseRecord]) -> None:
    with conn.cursor() as cur:
        cur.executemany(
            _UPSERT_WAREHOUSES,
            [(w.id, w.name, w.region, w.latitude, w.longitude) for w in warehouses],
        )


class CatalogWriter:
    """Writes batches of items within the caller's transaction."""

    def __init__(self, conn: PgConnection, *, replace_existing: bool) -> None:
        self.conn = conn
        self.replace_existing = replace_existing
        self._prefix = "staging_" if replace_existing else ""
        conn.execute(_CREATE_PICTURE_STAGING)
        if replace_existing:
            conn.execute(_CREATE_STAGING)

    def write(self, batch: Sequence[ItemRecord]) -> None:
        with self.conn.cursor() as cur:
            _copy(cur, "staging_pictures (hash, drawing)", _picture_rows(batch))
            for statement in _MERGE_PICTURES.split(";"):
                cur.execute(statement)
            _copy(cur, f"{self._prefix}items ({ITEM_COLUMNS})", _item_rows(batch))
            _copy(
                cur,
                f"{self._prefix}aggregated_stock (item_id, stock)",
                ((item.id, item.total_stock) for item in batch),
            )
            _copy(
                cur,
                f"{self._prefix}warehouse_stock "
                "(item_id, warehouse_id, physical_stock, available_stock)",
                _warehouse_stock_rows(batch),
            )
            _copy(
                cur,
                f"{self._prefix}reviews ({REVIEW_COLUMNS})",
                (row for item in batch for row in demo_review_rows(item)),
            )
            if self.replace_existing:
                cur.execute(_MERGE_STAGING)


def _copy(cur: Cursor, target: str, rows: Iterable[tuple]) -> None:
    with cur.copy(f"COPY {target} FROM STDIN") as copy:
        for row in rows:
            copy.write_row(row)


def _item_rows(batch: Iterable[ItemRecord]) -> Iterable[tuple]:
    for item in batch:
        yield (
            item.id,
            item.sku,
            item.name,
            item.description,
            item.category,
            item.brand,
            item.price,
            item.rating,
            item.review_count,
            item.picture,
        )


def _picture_rows(batch: Iterable[ItemRecord]) -> Iterable[tuple]:
    for item in batch:
        if item.drawing is not None:
            yield (item.picture, Jsonb(item.drawing.to_json()))


def _warehouse_stock_rows(batch: Iterable[ItemRecord]) -> Iterable[tuple]:
    for item in batch:
        for warehouse_id, units in item.stock_by_warehouse:
            yield (item.id, warehouse_id, units, units)
