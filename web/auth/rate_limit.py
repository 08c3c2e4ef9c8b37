"""Login attempts per (client IP, email), counted in Redis so every web process shares them.

A window starts at the first attempt and lasts LOGIN_RATE_LIMIT_WINDOW_SECONDS; the
LOGIN_RATE_LIMIT_ATTEMPTS+1st attempt inside it is refused (429) until it ends. Keying
on IP *and* email stops guessing one account's password without locking its owner out
from another network. Keys hold a hash, not the email.

If Redis is unreachable the limiter lets the attempt through (and logs it): sign-in
keeps working during a Redis blip, and scrypt still makes each guess slow.
"""

from __future__ import annotations

import hashlib
import logging
from dataclasses import dataclass

import redis

log = logging.getLogger(__name__)

KEY_PREFIX = "ratelimit:login:"


@dataclass(frozen=True)
class Verdict:
    allowed: bool
    retry_after: int = 0  # seconds until the window ends (when refused)

    @property
    def message(self) -> str:
        wait = f"{self.retry_after} second{'s' if self.retry_after != 1 else ''}"
        return f"Too many sign-in attempts. Please wait {wait} and try again."


class LoginRateLimiter:
    def __init__(self, client: redis.Redis, *, attempts: int, window_seconds: int) -> None:
        self._redis = client
        self.attempts = attempts
        self.window_seconds = window_seconds

    def hit(self, client_ip: str, email: str) -> Verdict:
        """Count one attempt and say whether it may go ahead."""
        key = KEY_PREFIX + hashlib.sha256(f"{client_ip}|{email}".encode()).hexdigest()[:32]
        try:
            pipe = self._redis.pipeline(transaction=True)
            pipe.set(key, 0, ex=self.window_seconds, nx=True)  # the window starts now, once
            pipe.incr(key)
            pipe.ttl(key)
            _, count, ttl = pipe.execute()
        except redis.RedisError as exc:
            log.warning("login rate limit skipped, Redis unavailable: %s", exc.__class__.__name__)
            return Verdict(True)
        if count > self.attempts:
            return Verdict(False, retry_after=max(int(ttl), 1))
        return Verdict(True)
