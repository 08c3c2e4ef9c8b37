"""`shopflow stock-relay`: the process that relays committed stock changes from the
outbox in PostgreSQL to the stock feed in Redis and the `in_stock` flags in Typesense
(db/redis/stock_relay.py, docs/live-stock.md). `shopflow run` starts one; more can run
as standbys (only one publishes at a time)."""

from __future__ import annotations

from db.redis.connect import redis_client
from db.redis.stock_feed import StockFeedKeys, StockFeedPublisher
from db.redis.stock_relay import StockRelay, run_relay
from db.search.index import SearchIndex, make_typesense_client
from entrypoints.logging_setup import configure_logging
from entrypoints.telemetry import configure_tracing
from settings import Settings


def build_relay(settings: Settings, *, with_search: bool = True) -> StockRelay:
    """The relay wired to the settings' PostgreSQL, Redis and Typesense."""
    publisher = StockFeedPublisher(
        redis_client(settings, socket_timeout=5, socket_connect_timeout=5),
        StockFeedKeys(settings.stock_feed_namespace),
    )
    index = None
    if with_search and settings.typesense_urls:
        index = SearchIndex(make_typesense_client(settings), settings.typesense_collection)
    return StockRelay(settings.database_url, publisher, index)


def run_stock_relay(settings: Settings) -> None:
    """`shopflow stock-relay` (entrypoints/process_commands.py), once its settings passed."""
    configure_logging(settings)
    configure_tracing(settings, "shopflow-stock-relay")
    run_relay(build_relay(settings))
