"""The web process's Prometheus metrics, defined once (docs/operations.md lists them).

Under gunicorn several worker processes serve one port, so the counters live in
prometheus-client's multiprocess mode: each process writes its values to files in
PROMETHEUS_MULTIPROC_DIR (set for gunicorn only, by entrypoints/gunicorn.py, and
emptied when the master starts) and `/metrics` adds them up at scrape time. Without
that variable (tests, a plain `flask run`) the same objects count in memory.

What is a fact of the shared stores rather than of one process (the waiting room's
depth, the stock relay's lag) is read at scrape time by `StoreStateCollector`, so N
processes never report N different figures.
"""

from __future__ import annotations

import logging
import time
from collections.abc import AsyncIterator, Callable, Iterator
from typing import Any

from flask import Flask, g, request
from prometheus_client import (
    CONTENT_TYPE_LATEST,
    REGISTRY,
    CollectorRegistry,
    Counter,
    Gauge,
    Histogram,
    generate_latest,
)
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.multiprocess import MultiProcessCollector

log = logging.getLogger(__name__)

# The route is Flask's URL rule (`/items/<int:item_id>`), never the raw path: one
# series per route, whatever ids shoppers (or scanners) put in URLs.
UNMATCHED_ROUTE = "<unmatched>"

HTTP_REQUESTS = Counter(
    "shopflow_http_requests",
    "Requests answered by the storefront, by route (URL rule), method and status.",
    ["route", "method", "status"],
)
HTTP_LATENCY = Histogram(
    "shopflow_http_request_duration_seconds",
    "Time to answer a storefront request, by route (URL rule) and method.",
    ["route", "method"],
    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30),
)
SEARCH_LATENCY = Histogram(
    "shopflow_search_duration_seconds",
    "Time of one catalogue search as the shopper waits for it (cache, Typesense, live stock).",
    buckets=(0.002, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5),
)
SSE_STREAMS_OPEN = Gauge(
    "shopflow_sse_streams_open",
    "Server-sent event streams open now, by stream (stock, tickets).",
    ["stream"],
    multiprocess_mode="livesum",
)


def init_request_metrics(app: Flask) -> None:
    """Count and time every Flask request by route and status."""

    @app.before_request
    def _start_clock() -> None:
        g.metrics_started = time.perf_counter()

    @app.after_request
    def _observe(response):
        started = g.pop("metrics_started", None)
        if started is not None:
            route = request.url_rule.rule if request.url_rule is not None else UNMATCHED_ROUTE
            HTTP_LATENCY.labels(route, request.method).observe(time.perf_counter() - started)
            HTTP_REQUESTS.labels(route, request.method, str(response.status_code)).inc()
        return response


class TimedSearch:
    """The search service with its `search` calls timed; everything else passes through."""

    def __init__(self, inner: Any) -> None:
        self._inner = inner

    def search(self, *args: Any, **kwargs: Any) -> Any:
        with SEARCH_LATENCY.time():
            return self._inner.search(*args, **kwargs)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._inner, name)


class StoreStateCollector:
    """Gauges read from the shared stores at scrape time; a failed read is left out
    (and logged), never a failed scrape."""

    def __init__(
        self,
        waiting_room_depths: Callable[[], dict[int, int]],
        stock_relay_lag: Callable[[], tuple[float, int]],
    ) -> None:
        self._depths = waiting_room_depths
        self._relay = stock_relay_lag

    def collect(self) -> Iterator[GaugeMetricFamily]:
        try:
            depths = self._depths()
        except Exception as exc:  # Redis or PostgreSQL down: /readyz says which
            log.warning("metrics: waiting-room depth unavailable: %s", type(exc).__name__)
        else:
            depth = GaugeMetricFamily(
                "shopflow_waiting_room_depth",
                "Shoppers waiting in a waiting room's line, by item.",
                labels=["item_id"],
            )
            for item_id, waiting in sorted(depths.items()):
                depth.add_metric([str(item_id)], waiting)
            yield depth
        try:
            lag, backlog = self._relay()
        except Exception as exc:
            log.warning("metrics: stock relay lag unavailable: %s", type(exc).__name__)
        else:
            yield GaugeMetricFamily(
                "shopflow_stock_relay_lag_seconds",
                "Age of the oldest stock change the relay has not yet published (0: caught up).",
                value=lag,
            )
            yield GaugeMetricFamily(
                "shopflow_stock_relay_backlog",
                "Stock changes waiting in the outbox for the relay.",
                value=backlog,
            )


def exposition(multiproc_dir: str | None, state: StoreStateCollector | None) -> tuple[bytes, str]:
    """The text a scrape gets: every process's counters plus the stores' state."""
    if multiproc_dir:
        registry = CollectorRegistry()
        MultiProcessCollector(registry, path=multiproc_dir)
    else:
        registry = CollectorRegistry()
        registry.register(_Everything())
    if state is not None:
        registry.register(state)
    return generate_latest(registry), CONTENT_TYPE_LATEST


class _Everything:
    """The in-process default registry, added to a scrape's own registry."""

    def collect(self):
        return REGISTRY.collect()


async def counted_stream(kind: str, events: AsyncIterator[Any]) -> AsyncIterator[Any]:
    """`events`, counted in shopflow_sse_streams_open while it is being sent."""
    with SSE_STREAMS_OPEN.labels(kind).track_inprogress():
        try:
            async for event in events:
                yield event
        finally:
            aclose = getattr(events, "aclose", None)
            if aclose is not None:
                await aclose()
