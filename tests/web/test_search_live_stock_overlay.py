"""The live stock laid over every search page: one statement, and it survives a dropped connection.

The overlay runs on its own autocommit pool without a pre-ping (a round trip fewer per
search), so a connection PostgreSQL dropped is only found out by the lookup itself; the
lookup is then tried once more on a fresh connection instead of answering "unknown"
(which would leave Typesense's possibly stale flags on the page).
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable

import pytest
from sqlalchemy import text

from db.postgres.engine import make_engine
from db.search.async_stock_overlay import AsyncLiveStock
from db.search.stock_overlay import LiveStockOverlay, stock_engine
from stack.ports import free_port
from tests.web.generated_catalogue import load_generated

pytestmark = [pytest.mark.integration]

ITEMS = 50


@pytest.fixture(scope="module")
def store(isolated_settings):
    return load_generated(
        isolated_settings("search_live_overlay"), ITEMS, warehouses=(2, 3), seed=3
    )


def stock_in_database(settings, ids: list[int]) -> dict[int, int]:
    engine = make_engine(settings.database_url, pool_size=1)
    try:
        with engine.connect() as conn:
            rows = conn.execute(
                text("SELECT item_id, stock FROM aggregated_stock WHERE item_id = ANY(:ids)"),
                {"ids": ids},
            )
            return {item_id: stock for item_id, stock in rows}
    finally:
        engine.dispose()


def drop_other_connections(settings) -> int:
    engine = make_engine(settings.database_url, pool_size=1)
    try:
        with engine.connect() as conn:
            return len(
                conn.execute(
                    text(
                        "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                        "WHERE datname = current_database() AND pid <> pg_backend_pid() "
                        "AND backend_type = 'client backend'"
                    )
                ).all()
            )
    finally:
        engine.dispose()


def test_the_overlay_reads_each_items_stock_and_zero_for_an_item_without_a_row(store):
    overlay = LiveStockOverlay(stock_engine(store.database_url, pool_size=1))
    ids = list(range(1, 21))
    unknown = 10_000_000

    assert overlay.stock_of([*ids, unknown]) == {**stock_in_database(store, ids), unknown: 0}


def test_a_connection_postgres_dropped_is_replaced_and_the_page_still_gets_live_stock(store):
    engine = stock_engine(store.database_url, pool_size=1)
    overlay = LiveStockOverlay(engine)
    ids = list(range(1, 21))
    assert overlay.stock_of(ids) == stock_in_database(store, ids)  # the pool holds one now

    assert drop_other_connections(store) >= 1

    assert overlay.stock_of(ids) == stock_in_database(store, ids)
    engine.dispose()


# -- The same overlay on the event loop (db/search/async_stock_overlay.py): the
# anonymous search answered without a worker thread reads stock the same way.


def on_a_loop(overlay: AsyncLiveStock, *calls: Callable[[], Awaitable]) -> list:
    async def run() -> list:
        try:
            return [await call() for call in calls]
        finally:
            await overlay.close()

    return asyncio.run(run())


def test_the_loops_overlay_reads_each_items_stock_and_zero_for_an_item_without_a_row(store):
    overlay = AsyncLiveStock(store.database_url, size=1)
    ids = list(range(1, 21))
    unknown = 10_000_000

    [stock] = on_a_loop(overlay, lambda: overlay.stock_of([*ids, unknown]))
    assert stock == {**stock_in_database(store, ids), unknown: 0}


def test_the_loops_overlay_replaces_a_connection_postgres_dropped(store):
    overlay = AsyncLiveStock(store.database_url, size=1)
    ids = list(range(1, 21))

    async def dropped_then_read():
        await asyncio.to_thread(drop_other_connections, store)
        return await overlay.stock_of(ids)

    before, after = on_a_loop(overlay, lambda: overlay.stock_of(ids), dropped_then_read)
    assert before == after == stock_in_database(store, ids)


def test_the_loops_overlay_without_postgres_leaves_the_flags_as_indexed(store):
    nowhere = store.database_url.rsplit("@", 1)[0] + f"@127.0.0.1:{free_port()}/shopflow"
    overlay = AsyncLiveStock(nowhere, size=1)

    assert on_a_loop(overlay, lambda: overlay.stock_of([1, 2])) == [None]
