"""What gunicorn serves: `gunicorn -k uvicorn_worker.UvicornWorker entrypoints.asgi:app`
(entrypoints/gunicorn.py).

The storefront on its services (entrypoints/web_services.py) and the stock and ticket
streams beside it (web/live/asgi.py), with the two Redis clients the streams need. `app` is
built on first access, once per gunicorn worker after forking, so every worker gets
its own connection pools and importing this module (tests, the bench) needs no URLs.
"""

from __future__ import annotations

from flask import Flask
from starlette.routing import Route

from db.redis.async_json_cache import AsyncJsonCache
from db.redis.connect import async_redis_client
from db.redis.stock_feed import StockFeedKeys
from db.search.async_multi_search import AsyncMultiSearch
from db.search.async_search import AsyncSearch
from db.search.async_stock_overlay import AsyncLiveStock
from db.search.stock_memo import StockMemo
from entrypoints.web_services import REDIS_TIMEOUT_SECONDS, build_web_app
from settings import Settings
from web.live.asgi import READ_CONNECTIONS, asgi_app
from web.live.direct_routes import DirectRoutes
from web.live.fanout import fanout_client_name
from web.query_parameters import EXTENSION_KEY as KNOWN_PARAMETERS
from web.search.fast_api import PATH as FAST_SEARCH_PATH
from web.search.fast_api import FastSearch
from web.search.use_cases import CatalogueSearch
from web.services import EXTENSION_KEY as SERVICES
from web.services import Services


def build_asgi_app(settings: Settings, flask_app: Flask | None = None) -> DirectRoutes:
    flask_app = flask_app or build_web_app(settings)
    keys = StockFeedKeys(settings.stock_feed_namespace)
    services = flask_app.extensions[SERVICES]
    # What the loop's overlay last read, kept current by the process's stock feed.
    memo = StockMemo()
    fast_search = FastSearch(
        lambda: CatalogueSearch(services.search, services.recommendations),
        flask_app.extensions[KNOWN_PARAMETERS],
        secure=settings.session_cookie_secure,
        threads=settings.web_threads,
        app_context=flask_app.app_context,
        media_base_url=services.settings.media_base_url,  # as Flask's pages read it
        on_loop=_search_on_loop(settings, services, memo),
    )
    return asgi_app(
        flask_app,
        settings,
        # The streams' reads share a bounded pool: a stream holds no connection of its
        # own, so a burst of streams borrows at most READ_CONNECTIONS and leaves no idle
        # connections behind (docs/security.md, "Streams").
        reads=async_redis_client(
            settings, max_connections=READ_CONNECTIONS, pool_timeout=5, socket_timeout=5
        ),
        # Named, so an operator's CLIENT LIST tells the subscription apart.
        subscriber=async_redis_client(settings, client_name=fanout_client_name(keys)),
        # The store's most frequent request, off Flask when it can be (docs/benchmarks.md).
        fast_routes=[Route(FAST_SEARCH_PATH, fast_search)],
        stock_watchers=[memo],
    )


def _search_on_loop(settings: Settings, services: Services, memo: StockMemo) -> AsyncSearch:
    """The anonymous search on the event loop: its own Redis, Typesense and PostgreSQL
    connections, as many as the threaded search's and with its timeouts
    (docs/benchmarks.md); the cache's keys, TTL and back-off are the threaded one's."""
    assert settings.database_url is not None  # build_services refused it missing
    cache = AsyncJsonCache(
        services.search.cache,
        async_redis_client(
            settings,
            max_connections=settings.web_threads,
            socket_timeout=REDIS_TIMEOUT_SECONDS,
            socket_connect_timeout=REDIS_TIMEOUT_SECONDS,
        ),
    )
    return AsyncSearch(
        services.search,
        AsyncMultiSearch(
            settings.typesense_urls,
            settings.typesense_api_key_or_default,
            timeout_seconds=settings.search_timeout_seconds,
            connections=settings.web_threads,
            # The threaded call's: a node either call found dead is set aside for both.
            health=services.multi_search.health if services.multi_search else None,
        ),
        AsyncLiveStock(settings.database_url, size=settings.web_threads, memo=memo),
        cache,
    )


def __getattr__(name: str):
    if name == "app":
        global app
        app = build_asgi_app(Settings.from_env())
        return app
    raise AttributeError(name)
