"""`shopflow stock-relay`: the process that relays stock changes (started by `shopflow run`)."""

from __future__ import annotations

import logging

import click

from settings import Settings


def build_relay(settings: Settings):
    """The relay wired to the settings' PostgreSQL, Redis and Typesense."""
    import redis

    from db.live_stock.feed import StockFeedKeys, StockFeedPublisher
    from db.live_stock.relay import StockRelay
    from db.search_index import SearchIndex, make_typesense_client

    publisher = StockFeedPublisher(
        redis.Redis.from_url(settings.redis_url, socket_timeout=5, socket_connect_timeout=5),
        StockFeedKeys(settings.stock_feed_namespace),
    )
    index = None
    if settings.typesense_url:
        index = SearchIndex(make_typesense_client(settings), settings.typesense_collection)
    return StockRelay(settings.database_url, publisher, index)


@click.command("stock-relay")
def stock_relay_command() -> None:
    """Relay committed stock changes to Redis (live stock) and Typesense (in_stock)."""
    from db.live_stock.relay import run_relay

    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(message)s")
    settings = click.get_current_context().find_object(Settings) or Settings.from_env()
    run_relay(build_relay(settings))
