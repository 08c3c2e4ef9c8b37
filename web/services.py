"""The long-lived clients one web process shares: built once at start-up, never at import.

`create_app(settings)` builds a `Services` from the settings; tests pass their own
with `create_app(settings, services=...)`. Views reach it through `services()`.
The Temporal gateway connects lazily, on the first checkout call, so pages that
never start a workflow never pay for (or depend on) a Temporal connection.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import redis
import typesense
from flask import current_app
from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

from db.cache import JsonCache
from db.engine import make_engine, make_session_factory
from db.search import CatalogVersion, CursorCodec, SearchService
from db.search.live_stock import LiveStockOverlay, stock_engine
from db.search.multi_search import MultiSearch
from db.search_index import make_typesense_client
from payments.gateway import PaymentGateway
from payments.sandbox import SandboxGateway
from settings import Settings
from web.temporal_gateway import TemporalGateway

if TYPE_CHECKING:  # imported in build(): web.auth's helpers themselves need services()
    from web.auth.tokens import ApiTokens
    from web.item_reads import ItemReads
    from web.recommendations.use_cases import Recommendations
    from web.search.use_cases import CatalogueSearch
    from web.warehouses.use_cases import WarehousePortal

EXTENSION_KEY = "shopflow"

# Short socket timeouts: Redis only ever holds things we can do without for a
# moment (caches), so waiting long for it is worse than skipping it.
REDIS_TIMEOUT_SECONDS = 0.5


@dataclass
class Services:
    settings: Settings
    engine: Engine
    sessions: sessionmaker[Session]
    redis: redis.Redis
    typesense: typesense.Client
    search: SearchService
    tokens: ApiTokens
    # Where the web tier vaults cards (tokenize); the worker builds its own for the rest.
    payments: PaymentGateway
    # None when no Temporal address is configured: checkout then answers 503.
    temporal: TemporalGateway | None = None
    # The search page's live-stock lookup: its own autocommit pool (db/search/live_stock.py).
    stock_engine: Engine | None = None
    # The search service's connections to Typesense (db/search/multi_search.py).
    multi_search: MultiSearch | None = None
    # The warehouse portal's use cases on their real ports (web/warehouses/adapters.py).
    warehouses: WarehousePortal = None  # type: ignore[assignment]  # set by build()
    # One item and its live stock (web/items/adapters.py).
    items: ItemReads = None  # type: ignore[assignment]  # set by build()
    # Recommendations on Redis and PostgreSQL (web/recommendations/adapters.py).
    recommendations: Recommendations = None  # type: ignore[assignment]  # set by build()

    @property
    def catalogue_search(self) -> CatalogueSearch:
        """The search use case (web/search/use_cases.py) on this `search`, feeding these
        recommendations; made per call, so a test that swaps `search` is obeyed."""
        from web.search.use_cases import CatalogueSearch

        return CatalogueSearch(self.search, self.recommendations)

    @classmethod
    def build(cls, settings: Settings) -> Services:
        _require_service_urls(settings)
        engine = make_engine(settings.database_url)
        sessions = make_session_factory(engine)
        overlay_engine = stock_engine(settings.database_url)
        redis_client = redis.Redis.from_url(
            settings.redis_url,
            socket_timeout=REDIS_TIMEOUT_SECONDS,
            socket_connect_timeout=REDIS_TIMEOUT_SECONDS,
        )
        # Interactive: fail fast and say so rather than retry for seconds. The client
        # serves the warehouse pages' index writes; searches take the leaner call.
        typesense_client = make_typesense_client(
            settings, timeout=settings.search_timeout_seconds, retries=0
        )
        multi_search = MultiSearch(
            settings.typesense_url or "",
            settings.typesense_api_key_or_default,
            timeout_seconds=settings.search_timeout_seconds,
            connections=settings.web_threads,
        )
        search = SearchService(
            multi_search=multi_search,
            collection=settings.typesense_collection,
            cache=JsonCache(
                redis_client, namespace="search", ttl_seconds=settings.search_cache_ttl_seconds
            ),
            catalog_version=CatalogVersion(sessions),
            cursors=CursorCodec(settings.secret_key),
            live_stock=LiveStockOverlay(overlay_engine),
        )
        from web.auth.tokens import ApiTokens
        from web.items.adapters import PostgresItemReads
        from web.recommendations.adapters import StoreSignals
        from web.recommendations.use_cases import Recommendations

        recommendations = Recommendations(
            StoreSignals(sessions, redis_client, settings.database_url or "")
        )
        tokens = ApiTokens(settings.secret_key, settings.api_token_ttl_seconds)
        temporal = TemporalGateway(settings) if settings.temporal_address else None
        warehouses = _warehouse_portal(settings, sessions, redis_client, typesense_client, temporal)
        return cls(
            settings,
            engine,
            sessions,
            redis_client,
            typesense_client,
            search,
            tokens,
            SandboxGateway(sessions),
            temporal,
            overlay_engine,
            multi_search,
            warehouses,
            PostgresItemReads(sessions),
            recommendations,
        )

    def close(self) -> None:
        self.engine.dispose()
        if self.stock_engine is not None:
            self.stock_engine.dispose()
        self.redis.close()
        if self.multi_search is not None:
            self.multi_search.close()
        if self.temporal is not None:
            self.temporal.close()


def _warehouse_portal(
    settings: Settings,
    sessions: sessionmaker[Session],
    redis_client: redis.Redis,
    typesense_client: typesense.Client,
    temporal: TemporalGateway | None,
) -> WarehousePortal:
    from web.warehouses.adapters import (
        PostgresShelves,
        PostgresWarehouseReads,
        RedisQueueStream,
        TemporalFulfilment,
    )
    from web.warehouses.use_cases import WarehousePortal

    return WarehousePortal(
        PostgresWarehouseReads(sessions),
        RedisQueueStream(redis_client),
        TemporalFulfilment(temporal),
        PostgresShelves(sessions, typesense_client, settings.typesense_collection),
    )


def _require_service_urls(settings: Settings) -> None:
    missing = [
        env
        for env, value in (
            ("DATABASE_URL", settings.database_url),
            ("REDIS_URL", settings.redis_url),
            ("TYPESENSE_URL", settings.typesense_url),
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


def services() -> Services:
    """The current app's services (inside a request or app context)."""
    return current_app.extensions[EXTENSION_KEY]
