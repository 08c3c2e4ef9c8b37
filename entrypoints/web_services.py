"""The web process's long-lived clients, built once at start-up (the composition root).

`build_services(settings)` builds the `Services` the storefront reaches through
`web.services.services()`; `build_web_app(settings)` is the Flask app on them. Tests
that want no servers call `web.create_app(settings, services=...)` with fakes instead.
The Temporal gateway connects lazily, on the first checkout call, so pages that never
start a workflow never pay for (or depend on) a Temporal connection.
"""

from __future__ import annotations

import redis
from flask import Flask
from sqlalchemy.orm import Session, sessionmaker

from db.media.store import MediaStore
from db.postgres.engine import make_engine, make_session_factory
from db.postgres.password_resets import PasswordResets
from db.redis.connect import redis_client as redis_client_of
from db.redis.json_cache import JsonCache
from db.redis.revocations import TokenRevocations
from db.redis.stock_feed import StockFeedKeys
from db.search import CatalogVersion, CursorCodec, SearchService
from db.search.index import make_typesense_client
from db.search.multi_search import MultiSearch
from db.search.stock_overlay import LiveStockOverlay, stock_engine
from entrypoints.payment_gateway import payment_gateway
from settings import Settings, require_safe_secrets
from web import create_app
from web.account.adapters import SqlAddressBook
from web.api_tokens import ApiTokens
from web.auth.adapters import SqlAccounts, SqlBrowserSessions
from web.cart.adapters import SqlCartItems, SqlCartStore
from web.checkout.adapters import DbCartLines, DbItemLookup
from web.checkout_client import TemporalCheckouts
from web.items.adapters import PostgresItemReads
from web.media.adapters import StoredMedia
from web.metrics import TimedSearch
from web.orders.adapters import SqlOrderReads, TemporalOrderClient
from web.recommendations.adapters import StoreSignals
from web.recommendations.use_cases import Recommendations
from web.refunds.adapters import SqlStaffRefunds
from web.returns.adapters import SqlReturns, TemporalReturns
from web.reviews.adapters import SqlReviews
from web.services import CheckoutWiring, Services
from web.staff_orders.adapters import SqlStaffOrderReads, TemporalStaffCancel
from web.temporal_gateway import TemporalGateway
from web.waiting_room.adapters import StaffWaitingRooms, WaitingRoomDoor
from web.waiting_room.adapters import build_ports as build_waiting_room_ports
from web.waiting_room.use_cases import WaitingRoomPorts
from web.warehouses.adapters import (
    PostgresShelves,
    PostgresWarehouseReads,
    RedisQueueStream,
    TemporalFulfilment,
)
from web.warehouses.use_cases import WarehousePortal
from workflows.task_queues import Service, task_queue

# Short socket timeouts: Redis only ever holds things we can do without for a
# moment (caches), so waiting long for it is worse than skipping it.
REDIS_TIMEOUT_SECONDS = 0.5


def build_web_app(settings: Settings) -> Flask:
    """The storefront on real clients: what gunicorn serves (entrypoints/asgi.py)."""
    return create_app(settings, services=build_services(settings))


def build_services(settings: Settings) -> Services:
    # Before anything is built: a public SECRET_KEY would let anyone forge a session.
    require_safe_secrets(settings)
    _require_service_urls(settings)
    engine = make_engine(settings.database_url)
    sessions = make_session_factory(engine)
    # A connection per web thread: with fewer, every search beyond the pool opened and
    # closed a PostgreSQL connection of its own (seen in the profile, docs/benchmarks.md).
    overlay_engine = stock_engine(settings.database_url, pool_size=settings.web_threads)
    redis_client = redis_client_of(
        settings,
        socket_timeout=REDIS_TIMEOUT_SECONDS,
        socket_connect_timeout=REDIS_TIMEOUT_SECONDS,
    )
    # Interactive: fail fast and say so rather than retry for seconds (on a cluster,
    # once more on another node). The client serves the warehouse pages' index writes;
    # searches take the leaner call, which fails over on its own (docs/scaling.md).
    typesense_client = make_typesense_client(
        settings,
        timeout=settings.search_timeout_seconds,
        retries=0 if len(settings.typesense_urls) == 1 else 1,
    )
    multi_search = MultiSearch(
        settings.typesense_urls,
        settings.typesense_api_key_or_default,
        timeout_seconds=settings.search_timeout_seconds,
        connections=settings.web_threads,
    )
    # Timed for /metrics (web/metrics.py: shopflow_search_duration_seconds).
    search = TimedSearch(
        SearchService(
            multi_search=multi_search,
            collection=settings.typesense_collection,
            cache=JsonCache(
                redis_client, namespace="search", ttl_seconds=settings.search_cache_ttl_seconds
            ),
            catalog_version=CatalogVersion(sessions),
            cursors=CursorCodec(settings.secret_key),
            live_stock=LiveStockOverlay(overlay_engine),
            in_stock_flips_key=StockFeedKeys(settings.stock_feed_namespace).search_flips,
        )
    )
    tokens = ApiTokens(settings.secret_key, settings.api_token_ttl_seconds)
    gateway = payment_gateway(sessions, settings)
    temporal = TemporalGateway(settings) if settings.temporal_address else None
    checkout, waiting_room = _checkout_and_waiting_room(settings, sessions, redis_client, temporal)
    return Services(
        settings,
        engine,
        sessions,
        redis_client,
        typesense_client,
        search,
        tokens,
        gateway,
        temporal,
        overlay_engine,
        multi_search,
        carts=SqlCartStore(sessions),
        cart_items=SqlCartItems(sessions),
        orders=SqlOrderReads(sessions),
        order_client=TemporalOrderClient(temporal),
        addresses=SqlAddressBook(sessions),
        returns=SqlReturns(sessions),
        # Returns run with the orders they belong to (workflows/task_queues.py).
        return_workflows=TemporalReturns(
            temporal, task_queue(settings.task_queue, Service.FULFILMENT)
        ),
        refunds=SqlStaffRefunds(sessions, gateway),
        password_resets=PasswordResets(sessions),
        warehouses=WarehousePortal(
            PostgresWarehouseReads(sessions),
            RedisQueueStream(redis_client),
            TemporalFulfilment(temporal),
            PostgresShelves(sessions, typesense_client, settings.typesense_collection),
        ),
        items=PostgresItemReads(sessions),
        media=StoredMedia(MediaStore(settings.media_path), sessions),
        recommendations=Recommendations(
            StoreSignals(sessions, redis_client, settings.database_url or "")
        ),
        reviews=SqlReviews(sessions),
        checkout=checkout,
        waiting_room=waiting_room,
        waiting_rooms=StaffWaitingRooms(sessions, redis_client, temporal, settings),
        accounts=SqlAccounts(sessions),
        browser_sessions=SqlBrowserSessions(sessions),
        revocations=TokenRevocations(redis_client, settings.stock_feed_namespace),
        staff_orders=SqlStaffOrderReads(sessions),
        staff_cancel=TemporalStaffCancel(temporal),
    )


def _checkout_and_waiting_room(
    settings: Settings,
    sessions: sessionmaker[Session],
    redis_client: redis.Redis,
    temporal: TemporalGateway | None,
) -> tuple[CheckoutWiring, WaitingRoomPorts]:
    checkouts = TemporalCheckouts(
        temporal,
        redis_client,
        task_queue(settings.task_queue, Service.CHECKOUT),
        settings.reservation_ttl_seconds,
    )
    waiting_room = build_waiting_room_ports(sessions, redis_client, temporal, settings, checkouts)
    wiring = CheckoutWiring(
        checkouts, DbCartLines(sessions), DbItemLookup(sessions), WaitingRoomDoor(waiting_room)
    )
    return wiring, waiting_room


def _require_service_urls(settings: Settings) -> None:
    missing = [
        env
        for env, value in (
            ("DATABASE_URL", settings.database_url),
            ("REDIS_URL", settings.redis_url),
            ("TYPESENSE_URL", settings.typesense_urls),
        )
        if not value
    ]
    if missing:
        raise ValueError(
            "The web app needs concrete service URLs; missing "
            + ", ".join(missing)
            + ". Start it through `shopflow run` / `shopflow web`, which start the embedded"
            " stack and pass them on, or set them in the environment."
        )
