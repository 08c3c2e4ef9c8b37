"""The search cache read and written on the event loop (docs/benchmarks.md, "a cache hit
on the event loop"): the same keys, values, TTL and back-off as `JsonCache`, whose
instance it shares, through redis-py's asyncio client.

Every Redis failure is a miss, as in `JsonCache`, and switches the shared cache off for
its back-off window: a dead Redis costs the threaded and the loop's reads one timeout
between them, not one each.
"""

from __future__ import annotations

from typing import Any

import orjson
import redis.asyncio as aioredis
from redis.exceptions import RedisError

from db.redis.json_cache import JsonCache, decoded, stamped, unstamped


class AsyncJsonCache:
    def __init__(self, cache: JsonCache, client: aioredis.Redis) -> None:
        self._cache = cache
        self._client = client

    @property
    def enabled(self) -> bool:
        return self._cache.enabled

    async def get(self, key: str) -> Any | None:
        if not self.enabled:
            return None
        try:
            raw = await self._client.get(self._cache.full_key(key))
        except RedisError as exc:
            self._cache.back_off(exc)
            return None
        return decoded(raw)

    async def set(self, key: str, value: Any) -> None:
        if not self.enabled:
            return
        try:
            await self._client.set(
                self._cache.full_key(key), orjson.dumps(value), ex=self._cache.ttl_seconds
            )
        except RedisError as exc:
            self._cache.back_off(exc)

    async def get_stamped(self, key: str, stamp_key: str) -> tuple[Any | None, int | None]:
        """As `JsonCache.get_stamped`: two GETs in one round trip."""
        if not self.enabled:
            return None, None
        try:
            pipe = self._client.pipeline(transaction=False)
            pipe.get(self._cache.stamped_key(key))
            pipe.get(stamp_key)
            raw, stamp = await pipe.execute()
        except RedisError as exc:
            self._cache.back_off(exc)
            return None, None
        return unstamped(raw, stamp)

    async def set_stamped(self, key: str, value: Any, stamp: int) -> None:
        if not self.enabled:
            return
        try:
            await self._client.set(
                self._cache.stamped_key(key), stamped(value, stamp), ex=self._cache.ttl_seconds
            )
        except RedisError as exc:
            self._cache.back_off(exc)

    async def aclose(self) -> None:
        await self._client.aclose()
