"""The stock relay: outbox rows in PostgreSQL -> the stock feed in Redis -> search flags.

The outbox itself is the relay's cursor: a batch is read in id order `FOR UPDATE`,
published to Redis, and deleted in the same transaction. A crash before the commit
leaves the rows for the next run (at-least-once); the per-item streams refuse an id
they already hold, and SSE streams drop ids they have already sent, so a change is
shown once. Rows of a transaction that commits late (a lower id than rows already
relayed) are simply found by the next batch: nothing is skipped, unlike an "id >
last id" cursor.

Only one relay publishes at a time (a PostgreSQL advisory lock held by its LISTEN
connection), so per-item order is kept even with several worker machines; the others
wait as standbys and take over when the holder's connection goes away.

Items whose stock crossed zero are queued in `stock_search_pending` in that same
transaction and their Typesense `in_stock` flags are updated right after, in one
batched import; a Typesense outage leaves them queued and retried, never lost. Once
Typesense has them, the feed's flip counter moves, so search pages cached with an
in-stock filter are asked again (an item back in stock is not left out of them).

Ratings take the same road out: a review queues its item in `rating_search_pending`
in the review's own transaction (db/postgres/reviews.py) and sends the NOTIFY this
relay listens for; `sync_ratings` pushes the item's stored average and count to
Typesense and settles only the change it pushed (docs/reviews.md).
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable

import psycopg
import redis

from db.redis.stock_feed import StockChange, StockFeedPublisher
from db.search.index import SearchIndex

log = logging.getLogger(__name__)

ADVISORY_LOCK_KEY = 7_340_009  # "one stock relay at a time"
BATCH_SIZE = 500
POLL_SECONDS = 1.0  # a lost NOTIFY (e.g. while reconnecting) costs at most this long

_CLAIM = """
SELECT id, item_id, stock, crossed_zero, created_at
FROM stock_events ORDER BY id LIMIT %s FOR UPDATE
"""
_QUEUE_SEARCH = """
INSERT INTO stock_search_pending (item_id, event_id)
SELECT * FROM unnest(%s::bigint[], %s::bigint[])
ON CONFLICT (item_id) DO UPDATE SET event_id = EXCLUDED.event_id
WHERE stock_search_pending.event_id < EXCLUDED.event_id
"""
_PENDING_SEARCH = """
SELECT p.item_id, p.event_id, coalesce(a.stock, 0) > 0 AS in_stock
FROM stock_search_pending p LEFT JOIN aggregated_stock a USING (item_id)
ORDER BY p.event_id LIMIT %s
"""
_PENDING_RATINGS = """
SELECT p.item_id, p.seq, i.rating, coalesce(i.review_count, 0)
FROM rating_search_pending p LEFT JOIN items i ON i.id = p.item_id
ORDER BY p.seq LIMIT %s
"""


def libpq_url(database_url: str) -> str:
    """SQLAlchemy's `postgresql+psycopg://` spelling as plain libpq accepts it."""
    return database_url.replace("postgresql+psycopg://", "postgresql://", 1)


class StockRelay:
    def __init__(
        self,
        database_url: str,
        publisher: StockFeedPublisher,
        search_index: SearchIndex | None,
        *,
        batch_size: int = BATCH_SIZE,
        poll_seconds: float = POLL_SECONDS,
        on_published: Callable[[list[StockChange]], None] | None = None,
    ) -> None:
        self._url = libpq_url(database_url)
        self._publisher = publisher
        self._search = search_index
        self._batch_size = batch_size
        self._poll = poll_seconds
        self._on_published = on_published

    # -- one pass (also what the tests drive) -------------------------------------------
    def relay_pending(self, conn: psycopg.Connection) -> int:
        """Publish and delete every outbox row visible now; returns how many."""
        total = 0
        while True:
            with conn.transaction():
                rows = conn.execute(_CLAIM, (self._batch_size,)).fetchall()
                if not rows:
                    return total
                changes = [
                    StockChange(event_id=r[0], item_id=r[1], stock=r[2], changed_at=r[4])
                    for r in rows
                ]
                self._publisher.publish(changes)  # raises: rolled back, retried later
                # One row per item: an item that crossed zero twice in one batch (sold out,
                # then released) would make the upsert touch its row twice, which
                # PostgreSQL refuses; its latest event is the one that counts.
                crossed = {r[1]: r[0] for r in rows if r[3]}  # rows come in id order
                if crossed and self._search is not None:
                    conn.execute(_QUEUE_SEARCH, (list(crossed), list(crossed.values())))
                conn.execute("DELETE FROM stock_events WHERE id = ANY(%s)", ([r[0] for r in rows],))
            total += len(rows)
            if self._on_published is not None:
                self._on_published(changes)
            if len(rows) < self._batch_size:
                return total

    def sync_search(self, conn: psycopg.Connection) -> int:
        """Push queued in_stock flags to Typesense; returns how many were settled."""
        if self._search is None:
            return 0
        rows = conn.execute(_PENDING_SEARCH, (self._batch_size,)).fetchall()
        if not rows:
            return 0
        try:
            settled = self._search.set_in_stock_many({r[0]: r[2] for r in rows})
        except Exception as exc:  # Typesense down or slow: keep them queued
            log.warning("search flags not updated (%s); retrying", exc)
            return 0
        done = [(r[0], r[1]) for r in rows if r[0] in settled]
        if done:
            # Before the queue is cleared: if Redis refuses, the flips are pushed again.
            self._publisher.count_search_flips()
        with conn.transaction():
            # Only the crossing we pushed: a newer one queued meanwhile stays.
            conn.execute(
                "DELETE FROM stock_search_pending p USING unnest(%s::bigint[], %s::bigint[]) "
                "AS d(item_id, event_id) WHERE p.item_id = d.item_id AND p.event_id = d.event_id",
                ([d[0] for d in done], [d[1] for d in done]),
            )
        return len(done)

    def sync_ratings(self, conn: psycopg.Connection) -> int:
        """Push queued ratings (average, count) to Typesense; returns how many were settled."""
        if self._search is None:
            return 0
        rows = conn.execute(_PENDING_RATINGS, (self._batch_size,)).fetchall()
        if not rows:
            return 0
        try:
            settled = self._search.set_ratings_many({r[0]: (r[2], r[3]) for r in rows})
        except Exception as exc:  # Typesense down or slow: keep them queued
            log.warning("search ratings not updated (%s); retrying", exc)
            return 0
        done = [(r[0], r[1]) for r in rows if r[0] in settled]
        with conn.transaction():
            # Only the change we pushed: a review written meanwhile bumped `seq` and stays.
            conn.execute(
                "DELETE FROM rating_search_pending p USING unnest(%s::bigint[], %s::bigint[]) "
                "AS d(item_id, seq) WHERE p.item_id = d.item_id AND p.seq = d.seq",
                ([d[0] for d in done], [d[1] for d in done]),
            )
        return len(done)

    # -- the long-running loop -----------------------------------------------------------
    def run(self, stop: threading.Event) -> None:
        """Relay until `stop` is set, reconnecting after any failure."""
        while not stop.is_set():
            try:
                self._serve(stop)
            except (psycopg.Error, redis.RedisError, OSError) as exc:
                log.warning("stock relay: %s: %s; reconnecting", type(exc).__name__, exc)
                stop.wait(1.0)

    def _serve(self, stop: threading.Event) -> None:
        with (
            psycopg.connect(self._url, autocommit=True) as listener,
            psycopg.connect(self._url, autocommit=True) as work,
        ):
            while not listener.execute(
                "SELECT pg_try_advisory_lock(%s)", (ADVISORY_LOCK_KEY,)
            ).fetchone()[0]:
                if stop.wait(self._poll * 2):  # another relay is active: stand by
                    return
            listener.execute("LISTEN stock_events")
            log.info("stock relay: active")
            while not stop.is_set():
                self.relay_pending(work)
                self.sync_search(work)
                # A backlog of ratings (the reviews migration queues every item) drains in this
                # wake, with stock changes relayed between its batches so they never wait.
                while self.sync_ratings(work) == self._batch_size:
                    self.relay_pending(work)
                # Wake on the next commit's NOTIFY, or poll (also retries search flags).
                for _ in listener.notifies(timeout=self._poll, stop_after=1):
                    pass


def run_relay(relay: StockRelay, stop: threading.Event | None = None) -> None:
    """Run in the foreground until SIGTERM/SIGINT (what `shopflow stock-relay` does)."""
    import signal

    stop = stop or threading.Event()

    def _stop(signum, frame) -> None:  # noqa: ARG001
        stop.set()

    signal.signal(signal.SIGTERM, _stop)
    signal.signal(signal.SIGINT, _stop)
    started = time.monotonic()
    relay.run(stop)
    log.info("stock relay stopped after %.0f s", time.monotonic() - started)
