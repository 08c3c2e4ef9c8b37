"""The catalogue version, part of every search cache key.

The loader bumps `catalog_state.version` in PostgreSQL whenever it swaps the
Typesense alias, so cached results of an older catalogue are simply never read
again (they expire on their own). PostgreSQL is the source of truth; the value is
remembered in-process for a couple of seconds so a busy search endpoint costs the
database one tiny query per process every `ttl_seconds`, not one per request.

If PostgreSQL cannot be reached the version is unknown (None) and search runs
uncached: the database being down must not take search down with it.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable

from sqlalchemy import select
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session, sessionmaker

from db.postgres.models import CatalogState

log = logging.getLogger(__name__)

DEFAULT_TTL_SECONDS = 2.0


class CatalogVersion:
    def __init__(
        self,
        sessions: sessionmaker[Session],
        *,
        ttl_seconds: float = DEFAULT_TTL_SECONDS,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._sessions = sessions
        self._ttl = ttl_seconds
        self._clock = clock
        self._lock = threading.Lock()
        self._value: int | None = None
        self._expires_at = float("-inf")

    def current(self) -> int | None:
        if self._clock() < self._expires_at:
            return self._value
        with self._lock:  # one reader refreshes, the others wait a moment for it
            if self._clock() >= self._expires_at:
                self._value = self._read()
                # A failure is remembered too, so a dead database costs one attempt per TTL.
                self._expires_at = self._clock() + self._ttl
            return self._value

    def known(self) -> tuple[bool, int | None]:
        """(True, the version) while the remembered value is fresh, else (False, None):
        never a database read, for the event loop (db/search/async_search.py), which
        leaves the refresh to a search in a worker thread."""
        if self._clock() < self._expires_at:
            return True, self._value
        return False, None

    def _read(self) -> int | None:
        try:
            with self._sessions() as session:
                version = session.scalar(select(CatalogState.version).where(CatalogState.id == 1))
        except SQLAlchemyError as exc:
            log.warning(
                "catalogue version unavailable (%s); searching uncached", exc.__class__.__name__
            )
            return None
        return 0 if version is None else int(version)
