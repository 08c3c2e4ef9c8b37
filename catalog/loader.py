"""Load a catalogue into PostgreSQL (COPY) and Typesense (JSONL import) in one pass.

The order of events makes a failed load invisible to shoppers:
1. a new, empty `items_v<N>` collection is created next to the live one;
2. items stream in batches: each batch is COPYed into PostgreSQL inside ONE open
   transaction while the previous batch is imported into the new collection on a
   background thread (PostgreSQL, Typesense and Python each keep a core busy);
3. PostgreSQL commits, the alias swaps to the new collection, `catalog_state.version`
   is bumped (search caches key on it) and the old collection is dropped.
Any failure before step 3 rolls PostgreSQL back and drops the new collection; the
store keeps serving the old catalogue (catalog/new_collection.py keeps that promise
for the load and for `reindex_from_database`).

Memory stays bounded: at most two batches of records exist at once.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from contextlib import AbstractContextManager
from dataclasses import dataclass
from itertools import islice

from sqlalchemy import Connection, Engine, text
from tqdm import tqdm

from catalog.new_collection import NewCollection, new_collection
from catalog.pg_writer import CatalogWriter, upsert_warehouses
from catalog.records import ItemRecord, WarehouseRecord
from catalog.search_documents import document_for_record, id_ranges, index_id_range, item_id_bounds
from catalog.state import items_table_is_empty
from db.postgres.engine import make_engine
from db.search.index import BULK_TIMEOUT_SECONDS, SearchIndex, make_typesense_client
from settings import Settings


class CatalogLoadError(RuntimeError):
    pass


@dataclass(frozen=True)
class LoadReport:
    items: int  # records written to PostgreSQL
    documents: int  # documents in the new search collection
    seconds: float
    items_per_s: float
    collection: str
    version: int
    typesense_errors: int
    replaced_existing: bool

    def summary(self) -> str:
        return (
            f"Loaded {self.items:,} items in {self.seconds:.1f} s "
            f"({self.items_per_s:,.0f} items/s) into PostgreSQL and Typesense "
            f"collection {self.collection} (catalogue version {self.version})"
        )


def catalog_is_empty(settings: Settings) -> bool:
    engine = _engine(settings)
    try:
        with engine.connect() as conn:
            return items_table_is_empty(conn)
    finally:
        engine.dispose()


def load_catalog(
    settings: Settings,
    warehouses: Sequence[WarehouseRecord],
    items: Iterable[ItemRecord],
    *,
    total: int | None = None,
    batch_size: int = 5000,
    progress: bool = True,
    max_errors: int = 0,
) -> LoadReport:
    """Write `warehouses` and `items`, then make them searchable; see the module doc.

    Over an existing catalogue, items with the same ids are replaced and the search
    index is rebuilt from PostgreSQL, so it also covers items this load did not touch.
    Raises CatalogLoadError if Typesense rejects more than `max_errors` documents.
    """
    with _new_collection(settings) as build:
        with build.engine.begin() as conn:
            replace_existing = not items_table_is_empty(conn)
            if not replace_existing:
                # Nobody listens to items that do not exist yet: no stock events
                # (db.redis.stock_feed) for a first load of maybe a million rows.
                conn.execute(text("SET LOCAL shopflow.stock_events = 'off'"))
            collection = build.create(conn)
            pg = conn.connection.driver_connection
            upsert_warehouses(pg, warehouses)
            writer = CatalogWriter(pg, replace_existing=replace_existing)
            with _progress_bar(progress, total, "Loading catalogue") as bar:
                loaded, documents, errors = _stream(
                    writer,
                    build.index,
                    collection,
                    items,
                    batch_size,
                    bar,
                    index_records=not replace_existing,
                )
            if replace_existing:
                documents, errors = _index_from_database(
                    conn, build.index, collection, batch_size, progress
                )
            if errors > max_errors:
                raise CatalogLoadError(
                    f"Typesense rejected {errors} of {documents} documents (see the log); "
                    f"nothing was published"
                )
        build.publish()
    _analyze(settings)
    report = _report(
        build,
        items=loaded,
        documents=documents,
        errors=errors,
        replaced_existing=replace_existing,
        rate_of=loaded,
    )
    if progress:
        print(report.summary(), flush=True)
    return report


def reindex_from_database(
    settings: Settings, *, batch_size: int = 5000, progress: bool = True, max_errors: int = 0
) -> LoadReport:
    """Rebuild the search index from PostgreSQL without Temporal (operators, recovery).

    The Temporal workflow `ReindexCatalogWorkflow` does the same in retryable steps.
    """
    with _new_collection(settings) as build:
        with build.engine.connect() as conn:
            collection = build.create(conn)
            documents, errors = _index_from_database(
                conn, build.index, collection, batch_size, progress
            )
        if errors > max_errors:
            raise CatalogLoadError(f"Typesense rejected {errors} of {documents} documents")
        build.publish()
    report = _report(
        build,
        items=0,
        documents=documents,
        errors=errors,
        replaced_existing=False,
        rate_of=documents,
    )
    if progress:
        print(
            f"Indexed {documents:,} items in {report.seconds:.1f} s "
            f"({report.items_per_s:,.0f} items/s) into {report.collection} "
            f"(catalogue version {report.version})",
            flush=True,
        )
    return report


def _report(
    build: NewCollection,
    *,
    items: int,
    documents: int,
    errors: int,
    replaced_existing: bool,
    rate_of: int,
) -> LoadReport:
    """`rate_of`: what `items_per_s` counts (items written, or documents indexed)."""
    assert build.collection is not None
    seconds = build.seconds
    return LoadReport(
        items=items,
        documents=documents,
        seconds=seconds,
        items_per_s=rate_of / seconds if seconds else 0.0,
        collection=build.collection,
        version=build.version,
        typesense_errors=errors,
        replaced_existing=replaced_existing,
    )


def _new_collection(settings: Settings) -> AbstractContextManager[NewCollection]:
    engine = _engine(settings)
    index = SearchIndex(
        make_typesense_client(settings, timeout=BULK_TIMEOUT_SECONDS), settings.typesense_collection
    )
    return new_collection(engine, index)


def _stream(
    writer: CatalogWriter,
    index: SearchIndex,
    collection: str,
    items: Iterable[ItemRecord],
    batch_size: int,
    bar: tqdm,
    *,
    index_records: bool,
) -> tuple[int, int, int]:
    """Generate batches here; COPY and import each on its own thread meanwhile.

    Both sinks spend most of their time waiting on a server (the GIL is free then), so
    the next batch is being generated while PostgreSQL and Typesense chew on this one.
    One batch in flight per sink keeps memory bounded and the COPYs in order.
    """
    loaded = documents = errors = 0
    copying: Future[None] | None = None
    importing: Future[int] | None = None
    with (
        ThreadPoolExecutor(max_workers=1, thread_name_prefix="pg-copy") as pg_pool,
        ThreadPoolExecutor(max_workers=1, thread_name_prefix="typesense-import") as ts_pool,
    ):
        for batch in _batches(items, batch_size):
            if index_records:
                docs = [document_for_record(item) for item in batch]
                if importing is not None:
                    errors += importing.result()
                importing = ts_pool.submit(index.import_documents, collection, docs)
                documents += len(docs)
            if copying is not None:
                copying.result()
                bar.update(loaded - bar.n)
            copying = pg_pool.submit(writer.write, batch)
            loaded += len(batch)
        if copying is not None:
            copying.result()
        if importing is not None:
            errors += importing.result()
    bar.update(loaded - bar.n)
    return loaded, documents, errors


def _index_from_database(
    conn: Connection, index: SearchIndex, collection: str, batch_size: int, progress: bool
) -> tuple[int, int]:
    """Index every item the (still uncommitted) transaction sees; returns (documents, errors)."""
    bounds = item_id_bounds(conn)
    documents = errors = 0
    if bounds is None:
        return 0, 0
    with _progress_bar(progress, bounds.count, "Indexing catalogue") as bar:
        for first_id, last_id in id_ranges(bounds, batch_size):
            sent, rejected = index_id_range(conn, index, collection, first_id, last_id)
            documents += sent
            errors += rejected
            bar.update(sent)
    return documents, errors


def _batches(items: Iterable[ItemRecord], size: int) -> Iterator[list[ItemRecord]]:
    iterator = iter(items)
    while batch := list(islice(iterator, size)):
        yield batch


def _progress_bar(enabled: bool, total: int | None, description: str) -> tqdm:
    return tqdm(
        total=total,
        desc=description,
        unit=" items",
        unit_scale=True,
        disable=not enabled,
        smoothing=0.1,
    )


def _analyze(settings: Settings) -> None:
    # Fresh statistics so the planner uses the new indexes on the first shopper query.
    engine = _engine(settings)
    try:
        with engine.begin() as conn:
            conn.execute(text("ANALYZE items, aggregated_stock, warehouse_stock, warehouses"))
    finally:
        engine.dispose()


def _engine(settings: Settings) -> Engine:
    if not settings.database_url:
        raise CatalogLoadError("DATABASE_URL is not set (is the stack running?)")
    return make_engine(settings.database_url, pool_size=1, max_overflow=1)
