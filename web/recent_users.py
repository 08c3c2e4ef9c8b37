"""A few seconds' memory, per web process, of whom a valid bearer token belongs to.

An API client sends its token with every request. Its signature proves who issued it;
the user row is read to check that the password fingerprint in it still matches (a new
password revokes old tokens). Reading that row on every request cost a PostgreSQL round
trip per call; this remembers (user id, fingerprint) -> user for API_USER_CACHE_SECONDS,
so within that window a token whose fingerprint matches the remembered one needs no
database read. A changed password or sign-out everywhere makes the process that did it
forget the user at once (`forget`) and tell the others through Redis
(db/redis/revocations.py), so they forget within milliseconds. While a process's subscription is down it
remembers nobody (`pause`), since it could not hear a revocation; only when the
announcing process cannot reach Redis but the listeners still hear it is the memory's
lifetime the bound. 0 turns the memory off.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from typing import Generic, TypeVar

U = TypeVar("U")

MAX_REMEMBERED = 10_000  # users; past that the memory starts again (it is only a shortcut)


class RecentUsers(Generic[U]):
    def __init__(self, ttl_seconds: float, *, clock: Callable[[], float] = time.monotonic):
        self._ttl = ttl_seconds
        self._clock = clock
        self._seen: dict[tuple[int, str], tuple[U, float]] = {}
        self._lock = threading.Lock()
        self._paused = False

    def get(self, user_id: int, fingerprint: str) -> U | None:
        if self._ttl <= 0 or self._paused:
            return None
        with self._lock:
            found = self._seen.get((user_id, fingerprint))
        if found is None or self._clock() - found[1] >= self._ttl:
            return None
        return found[0]

    def forget(self, user_id: int) -> None:
        """Drop every remembered token of this user (signed out everywhere, new password)."""
        with self._lock:
            for key in [key for key in self._seen if key[0] == user_id]:
                del self._seen[key]

    def forget_everyone(self) -> None:
        """After a gap in the revocation messages: trust nothing remembered before it,
        and remember again."""
        with self._lock:
            self._seen.clear()
            self._paused = False

    def pause(self) -> None:
        """The revocation messages stopped (the subscription dropped, e.g. the Redis
        primary died): forget everyone and remember nobody until `forget_everyone`.
        A revocation announced during the gap is lost, and a token remembered across
        it would outlive the revocation by the memory's lifetime."""
        with self._lock:
            self._seen.clear()
            self._paused = True

    def remember(self, user_id: int, fingerprint: str, user: U) -> None:
        if self._ttl <= 0:
            return
        with self._lock:
            if self._paused:
                return
            if len(self._seen) >= MAX_REMEMBERED:
                self._seen.clear()
            self._seen[(user_id, fingerprint)] = (user, self._clock())
