"""Which Typesense node a search goes to, with failed nodes set aside for a while.

Searches take the nodes in turn (each node answers reads from its own copy: Raft
replicates every write to all of them). A node that failed to answer (refused,
timed out, dropped the connection, or said 503) is "down" for `down_seconds`: no search
is sent there first until then, so a dead node costs one failed attempt per web process
per period, not a third of all searches (docs/scaling.md, "Search on a Typesense
cluster"). When every node is down they are all tried anyway: better a late answer
than a refusal on a guess.

Pure: the clock is passed in, so the policy is tested without sleeping.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable

DEFAULT_DOWN_SECONDS = 5.0


class NodeHealth:
    def __init__(
        self,
        count: int,
        *,
        down_seconds: float = DEFAULT_DOWN_SECONDS,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        if count < 1:
            raise ValueError("at least one node is needed")
        self._count = count
        self._down_seconds = down_seconds
        self._clock = clock
        self._down_until = [0.0] * count
        self._next = 0
        self._lock = threading.Lock()

    def order(self) -> list[int]:
        """Node indexes to try, in order: the nodes that are up, starting with this turn's
        node (turns rotate), then, only if none is up, every node."""
        with self._lock:
            start = self._next
            self._next = (self._next + 1) % self._count
            now = self._clock()
            rotation = [(start + step) % self._count for step in range(self._count)]
            up = [node for node in rotation if self._down_until[node] <= now]
            return up or rotation

    def mark_down(self, node: int) -> None:
        with self._lock:
            self._down_until[node] = self._clock() + self._down_seconds

    def mark_up(self, node: int) -> None:
        with self._lock:
            self._down_until[node] = 0.0

    def is_down(self, node: int) -> bool:
        with self._lock:
            return self._down_until[node] > self._clock()
