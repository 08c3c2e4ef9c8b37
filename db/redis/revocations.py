"""Telling every web process at once that a user's API tokens ended (docs/security.md,
"Tokens").

A web process remembers for a few seconds whom a valid token belongs to
(web/recent_users.py), so a signed request needs no database read. When a shopper
changes their password or signs out everywhere, the process that did it forgets them
at once and publishes their id here; every other process hears it on the one Redis
subscription it already holds (web/live/fanout.py) and forgets them too, within
milliseconds instead of the memory's lifetime. A process whose subscription dropped
remembers nobody until it is back (web/recent_users.py, `pause`), since it may miss a
message meanwhile; only if this process cannot publish while the others still listen is
the memory's own lifetime (API_USER_CACHE_SECONDS) the bound.
"""

from __future__ import annotations

import logging

import redis
from redis.exceptions import RedisError

log = logging.getLogger(__name__)


class TokenRevocations:
    """Announces revoked users on the channel (what `Services.revocations` holds)."""

    def __init__(self, client: redis.Redis, namespace: str) -> None:
        self._client = client
        self.channel = revocation_channel(namespace)

    def announce(self, user_id: int) -> None:
        """Best effort: with Redis down, the others forget within API_USER_CACHE_SECONDS."""
        try:
            publish_revocation(self._client, self.channel, user_id)
        except RedisError:
            log.warning("could not announce the revoked tokens of user %s", user_id)


def revocation_channel(namespace: str) -> str:
    """The channel, in the stock feed's namespace so two stores on one Redis stay apart."""
    return f"{namespace}:tokens-revoked"


def publish_revocation(client: redis.Redis, channel: str, user_id: int) -> None:
    """Raises redis.RedisError when Redis cannot take it (the caller decides)."""
    client.publish(channel, str(user_id))


def revoked_user_id(data: bytes | str) -> int | None:
    """The user id a message names; None for anything else (never trust a channel blindly)."""
    text = data.decode(errors="replace") if isinstance(data, bytes) else data
    return int(text) if text.isdecimal() and len(text) < 20 else None
