"""Every Redis client of the store, built one way: straight from REDIS_URL, or through
Redis Sentinel when REDIS_SENTINELS is set (docs/scaling.md, "Redis").

With Sentinel, a client asks the sentinels which node is the primary of
REDIS_SENTINEL_MASTER and connects there; when its connection breaks (the primary died
and a replica was promoted), its next command asks again, so web, worker, relay, the
limiter and the stock-feed subscription all follow a failover without a restart.
REDIS_URL still gives the password and the database number; the sentinels take the
same password (a `requirepass` on each, as on the data nodes).
"""

from __future__ import annotations

from typing import Any
from urllib.parse import quote, unquote, urlsplit

import redis
import redis.asyncio as aioredis
from redis.asyncio.sentinel import Sentinel as AsyncSentinel
from redis.sentinel import Sentinel

from settings import Settings


def _auth(settings: Settings) -> dict[str, Any]:
    """Password and database of REDIS_URL, for clients that reach nodes by Sentinel."""
    url = urlsplit(settings.redis_url or "redis://")
    database = url.path.strip("/")
    return {
        "password": unquote(url.password) if url.password else None,
        "db": int(database) if database.isdecimal() else 0,
    }


def _sentinel_nodes(settings: Settings) -> list[tuple[str, int]]:
    nodes = []
    for address in settings.redis_sentinels:
        host, _, port = address.rpartition(":")
        nodes.append((host, int(port)))
    return nodes


def redis_client(settings: Settings, **options: Any) -> redis.Redis:
    """A client of the primary; `options` as redis.Redis takes them (timeouts, name)."""
    if not settings.redis_sentinels:
        return redis.Redis.from_url(settings.redis_url, **options)
    auth = _auth(settings)
    sentinel = Sentinel(
        _sentinel_nodes(settings),
        sentinel_kwargs={"password": auth["password"], "socket_timeout": 1.0},
    )
    return sentinel.master_for(settings.redis_sentinel_master, **auth, **options)


def async_redis_client(settings: Settings, **options: Any) -> aioredis.Redis:
    """The asyncio twin of `redis_client` (the live streams' reads and subscription).

    `max_connections` bounds the pool either way; a BlockingConnectionPool (wait for a
    free connection) only without Sentinel, whose own pool refuses past the bound.
    """
    if not settings.redis_sentinels:
        max_connections = options.pop("max_connections", None)
        if max_connections is None:
            return aioredis.Redis.from_url(settings.redis_url, **options)
        pool_timeout = options.pop("pool_timeout", 5)
        pool = aioredis.BlockingConnectionPool.from_url(
            settings.redis_url, max_connections=max_connections, timeout=pool_timeout, **options
        )
        return aioredis.Redis(connection_pool=pool)
    options.pop("pool_timeout", None)
    auth = _auth(settings)
    sentinel = AsyncSentinel(
        _sentinel_nodes(settings),
        sentinel_kwargs={"password": auth["password"], "socket_timeout": 1.0},
    )
    return sentinel.master_for(settings.redis_sentinel_master, **auth, **options)


def limiter_storage_uri(settings: Settings) -> str | None:
    """Flask-Limiter's storage (the `limits` package): `redis+sentinel://` with Sentinel
    (the database number goes in `limiter_storage_options`: the URI's path is the name)."""
    if not settings.redis_sentinels:
        return settings.redis_url
    password = _auth(settings)["password"]
    auth = f":{quote(password, safe='')}@" if password else ""
    nodes = ",".join(settings.redis_sentinels)
    return f"redis+sentinel://{auth}{nodes}/{settings.redis_sentinel_master}"


def limiter_storage_options(settings: Settings) -> dict[str, Any]:
    """Short timeouts (a limit check is on every sign-in and payment); with Sentinel,
    every count on the primary (a replica's copy may lag behind a burst)."""
    options: dict[str, Any] = {"socket_timeout": 0.5, "socket_connect_timeout": 0.5}
    if settings.redis_sentinels:
        options["use_replicas"] = False
        options["db"] = _auth(settings)["db"]
    return options
