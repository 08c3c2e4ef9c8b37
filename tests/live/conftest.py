"""Fixtures for live stock: a database of its own with a few items, its Redis keys, and
a relay (in a thread, or as a real `shopflow stock-relay` process for crash tests)."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
from dataclasses import dataclass, replace
from pathlib import Path

import pytest
import redis
from sqlalchemy import text

from db.redis.stock_feed import StockFeedKeys, StockFeedPublisher
from settings import PROJECT_ROOT, Settings
from tests.live_server import ServerThread
from tests.stock_world import insert_item

WAREHOUSE = 99301


@dataclass
class LiveWorld:
    settings: Settings
    engine: object
    redis: redis.Redis
    keys: StockFeedKeys

    def stock(self, item_id: int) -> int:
        with self.engine.connect() as conn:
            return conn.execute(
                text("SELECT stock FROM aggregated_stock WHERE item_id = :i"), {"i": item_id}
            ).scalar_one()

    def set_stock(self, item_id: int, stock: int) -> None:
        with self.engine.begin() as conn:
            conn.execute(
                text("UPDATE aggregated_stock SET stock = :s WHERE item_id = :i"),
                {"s": stock, "i": item_id},
            )

    def outbox(self, item_id: int | None = None) -> list[tuple[int, int]]:
        """(item, stock) rows waiting for the relay, oldest first."""
        with self.engine.connect() as conn:
            rows = conn.execute(text("SELECT item_id, stock FROM stock_events ORDER BY id")).all()
        return [(r[0], r[1]) for r in rows if item_id is None or r[0] == item_id]

    def changes(self, item_id: int) -> list[dict]:
        """Every change of the item in the feed's all-items stream (duplicates included)."""
        import json

        entries = self.redis.xrange(self.keys.changes)
        bodies = [json.loads(fields[b"d"]) for _, fields in entries]
        return [b for b in bodies if b["itemID"] == item_id]


def make_world(isolated_settings, name: str) -> LiveWorld:
    from db.postgres.engine import make_engine

    settings = replace(isolated_settings(name), stock_feed_namespace=f"stock-{name}")
    engine = make_engine(settings.database_url)
    client = redis.Redis.from_url(settings.redis_url)
    keys = StockFeedKeys(settings.stock_feed_namespace)
    for key in client.scan_iter(f"{keys.namespace}:*"):
        client.delete(key)
    with engine.begin() as conn:
        conn.execute(
            text(
                "INSERT INTO warehouses (id, name, region, latitude, longitude, active) "
                "VALUES (:w, 'Live Test DC', 'Test, US', 47.6, -122.3, true)"
            ),
            {"w": WAREHOUSE},
        )
    return LiveWorld(settings, engine, client, keys)


def add_item(world: LiveWorld, item_id: int, units: int) -> int:
    return insert_item(
        world.engine, item_id, {WAREHOUSE: units}, name=f"Live item {item_id}", sku=f"LV-{item_id}"
    )


def publisher(world: LiveWorld) -> StockFeedPublisher:
    return StockFeedPublisher(world.redis, world.keys)


class RelayThread:
    """The relay of `settings` running in a background thread until stop()."""

    def __init__(self, settings: Settings, *, with_search: bool = True) -> None:
        from entrypoints.stock_relay import build_relay

        relay = build_relay(settings, with_search=with_search)
        self._stop = threading.Event()
        self._thread = threading.Thread(target=relay.run, args=(self._stop,), daemon=True)
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        self._thread.join(timeout=10)


class RelayProcess:
    """A real `shopflow stock-relay` process, to be killed by its own pid."""

    def __init__(self, settings: Settings, log: Path) -> None:
        env = dict(os.environ)
        env.update(settings.service_env())
        env["STOCK_FEED_NAMESPACE"] = settings.stock_feed_namespace
        self._log = open(log, "ab")
        shopflow = str(Path(sys.executable).parent / "shopflow")
        self.proc = subprocess.Popen(
            [shopflow, "stock-relay"], env=env, cwd=PROJECT_ROOT, stdout=self._log, stderr=self._log
        )

    def kill(self) -> None:
        if self.proc.poll() is None:
            os.kill(self.proc.pid, signal.SIGKILL)
        self.proc.wait(timeout=10)

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.kill()
        self._log.close()


@pytest.fixture(scope="module")
def events_world(isolated_settings):
    world = make_world(isolated_settings, "live_events")
    yield world
    world.engine.dispose()


@dataclass
class LiveStore:
    """A store of its own (the web tests' small catalogue) with checkout workers and a
    stock relay running: what a shopper sees while others buy."""

    settings: Settings
    world: LiveWorld
    items: dict[str, int]  # item name -> id

    def item(self, name: str) -> int:
        return self.items[name]


@pytest.fixture(scope="session")
def live_store(isolated_settings, checkout_worker):
    from catalog.loader import load_catalog
    from tests.web import catalogue

    world = make_world(isolated_settings, "live_store")
    load_catalog(
        world.settings,
        catalogue.WAREHOUSES,
        catalogue.ITEMS,
        total=len(catalogue.ITEMS),
        progress=False,
    )
    settings = checkout_worker.serve(world.settings)
    world.settings = settings
    relay = RelayThread(settings)
    try:
        yield LiveStore(settings, world, {item.name: item.id for item in catalogue.ITEMS})
    finally:
        relay.stop()
        world.engine.dispose()


@pytest.fixture
def live_app(live_store, checkout_worker):
    from entrypoints.web_services import build_web_app

    app = build_web_app(live_store.settings)
    app.config["TESTING"] = True
    yield app
    checkout_worker.end_checkouts(live_store.settings.task_queue)
    app.extensions["shopflow"].close()


@pytest.fixture(scope="session")
def live_server(live_store):
    """The store on one origin, heartbeats every half second so tests need not wait."""
    server = ServerThread(replace(live_store.settings, sse_heartbeat_seconds=0.5))
    yield server
    server.stop()
