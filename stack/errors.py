"""The one exception the embedded stack raises."""

from __future__ import annotations


class StackError(RuntimeError):
    """A service could not be started or stopped. The message is one line naming the
    service and its log file, e.g. "redis: port 6390 on 127.0.0.1 is already in use
    (log: var/logs/redis.log)"."""
