"""Redis as a cache that is allowed to vanish (values as JSON, through orjson: it is on
every search, docs/benchmarks.md).

Every Redis failure is treated as a miss: the caller falls back to the source of
truth (Typesense, PostgreSQL) instead of failing the request. After a failure the
cache stays switched off for a few seconds so a dead or blackholed Redis costs one
timeout per back-off window, not one per request.
"""

from __future__ import annotations

import contextlib
import logging
import time
from collections.abc import Callable
from typing import Any

import orjson
import redis

log = logging.getLogger(__name__)

BACKOFF_SECONDS = 5.0


class JsonCache:
    """JSON values under `<namespace>:<key>` with one TTL; misses and errors look the same."""

    def __init__(
        self,
        client: redis.Redis,
        *,
        namespace: str,
        ttl_seconds: int,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._client = client
        self._namespace = namespace
        self._ttl = ttl_seconds
        self._clock = clock
        self._off_until = 0.0

    @property
    def enabled(self) -> bool:
        return self._ttl > 0 and self._clock() >= self._off_until

    def get(self, key: str) -> Any | None:
        if not self.enabled:
            return None
        try:
            raw = self._client.get(self._full_key(key))
        except redis.RedisError as exc:
            self._back_off(exc)
            return None
        return decoded(raw)

    def set(self, key: str, value: Any) -> None:
        if not self.enabled:
            return
        try:
            self._client.set(self._full_key(key), orjson.dumps(value), ex=self._ttl)
        except redis.RedisError as exc:
            self._back_off(exc)

    def get_stamped(self, key: str, stamp_key: str) -> tuple[Any | None, int | None]:
        """The value under `key` if it was stored at the current value of the counter
        `stamp_key` (anyone's key, not namespaced), and that current value; one round
        trip. A value stored under an older count is a miss: the counter moving is what
        invalidates it. (None, None) when the cache is off or Redis failed.

        Two GETs in one pipeline, not an MGET: the counter is one key and the pages are
        many, and giving them one hash tag would put every stamped page in one Redis
        Cluster slot (docs/scaling.md, "Redis Cluster"). The reads need not be atomic: a
        value is served only if its stamp is a count the counter had during the read."""
        if not self.enabled:
            return None, None
        try:
            pipe = self._client.pipeline(transaction=False)
            pipe.get(self._stamped_key(key))
            pipe.get(stamp_key)
            raw, stamp = pipe.execute()
        except redis.RedisError as exc:
            self._back_off(exc)
            return None, None
        return unstamped(raw, stamp)

    def set_stamped(self, key: str, value: Any, stamp: int) -> None:
        """Store `value` as seen at counter value `stamp` (read before computing it, so a
        count that moves meanwhile makes this value stale at once)."""
        if not self.enabled:
            return
        try:
            self._client.set(self._stamped_key(key), stamped(value, stamp), ex=self._ttl)
        except redis.RedisError as exc:
            self._back_off(exc)

    # The pieces the event loop's twin shares (db/redis/async_json_cache.py): the same
    # keys, TTL and back-off, so a failure seen by either switches both off.
    @property
    def ttl_seconds(self) -> int:
        return self._ttl

    def full_key(self, key: str) -> str:
        return self._full_key(key)

    def stamped_key(self, key: str) -> str:
        return self._stamped_key(key)

    def back_off(self, exc: Exception) -> None:
        self._back_off(exc)

    def _full_key(self, key: str) -> str:
        return f"{self._namespace}:{key}"

    def _stamped_key(self, key: str) -> str:
        # Keys of their own: a release that reads plain values never meets a stamped one.
        return f"{self._namespace}:stamped:{key}"

    def _back_off(self, exc: Exception) -> None:
        log.warning(
            "Redis cache %r unavailable (%s); serving uncached for %.0f s",
            self._namespace,
            exc,
            BACKOFF_SECONDS,
        )
        self._off_until = self._clock() + BACKOFF_SECONDS


def decoded(raw: bytes | None) -> Any | None:
    if raw is None:
        return None
    try:
        return orjson.loads(raw)
    except ValueError:
        # Written by an older release or corrupted: recompute rather than fail.
        return None


def unstamped(raw: bytes | None, stamp: bytes | None) -> tuple[Any | None, int]:
    """A stamped value read with the counter's current value: the value only if it was
    stored at that count, and the count."""
    current = int(stamp or 0)
    if raw is None:
        return None, current
    # An unstamped or corrupted value is recomputed rather than failed on.
    with contextlib.suppress(ValueError, TypeError, KeyError):
        stored = orjson.loads(raw)
        if stored["stamp"] == current:
            return stored["value"], current
    return None, current


def stamped(value: Any, stamp: int) -> bytes:
    return orjson.dumps({"stamp": stamp, "value": value})
