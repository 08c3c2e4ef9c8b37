"""The live-stock overlay on the event loop: the same statement as
db/search/stock_overlay.py on psycopg's async connections, no worker thread.

A small pool of our own (psycopg_pool is not among the dependencies): at most `size`
connections at once (the web threads' count, as the threaded overlay's engine), idle
ones kept for the next search, in autocommit so a lookup is one round trip; psycopg
prepares the unchanging statement after a few uses. A connection PostgreSQL dropped
fails the statement, which is tried once more on a fresh connection; if PostgreSQL
cannot answer, the page keeps Typesense's flags (None), as the threaded overlay does.

With a `StockMemo` (db/search/stock_memo.py, kept current by the web process's stock
feed) only the items it does not remember are read; a search whose every item it
remembers reads nothing.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Sequence

import psycopg

from db.search.stock_memo import StockMemo
from db.search.stock_overlay import STOCK_OF, id_array

log = logging.getLogger(__name__)


class AsyncLiveStock:
    def __init__(self, database_url: str, *, size: int, memo: StockMemo | None = None) -> None:
        self._url = database_url.replace("postgresql+psycopg://", "postgresql://", 1)
        self._slots = asyncio.Semaphore(size)
        self._idle: list[psycopg.AsyncConnection] = []
        self._memo = memo

    async def stock_of(self, item_ids: Sequence[int]) -> dict[int, int] | None:
        """Units each item has now (0 for an item without a stock row); None if unknown."""
        if not item_ids:
            return {}
        ids = [int(item_id) for item_id in item_ids]
        if self._memo is None:
            return await self._read(ids)
        known, missing = self._memo.recall(ids)
        if not missing:
            return known
        since = self._memo.generation
        read = await self._read(missing)
        if read is None:
            return None
        self._memo.remember(read, since)
        return {**known, **read}

    async def _read(self, ids: list[int]) -> dict[int, int] | None:
        async with self._slots:
            for attempt in (1, 2):
                try:
                    connection = self._idle.pop() if self._idle else await self._connect()
                except psycopg.Error as exc:
                    return _unknown(exc)
                try:
                    cursor = await connection.execute(STOCK_OF, (id_array(ids),))
                    rows = dict(await cursor.fetchall())
                except psycopg.OperationalError as exc:
                    # A connection PostgreSQL dropped (a restart): thrown away, and the
                    # second attempt takes a fresh one.
                    await connection.close()
                    if attempt == 2:
                        return _unknown(exc)
                    continue
                except psycopg.Error as exc:
                    await connection.close()
                    return _unknown(exc)
                except BaseException:  # cancelled mid-statement: its state is unknown
                    await asyncio.shield(connection.close())
                    raise
                self._idle.append(connection)
                return {item_id: rows.get(item_id, 0) for item_id in ids}
        raise AssertionError("unreachable")

    async def _connect(self) -> psycopg.AsyncConnection:
        return await psycopg.AsyncConnection.connect(self._url, autocommit=True)

    async def close(self) -> None:
        idle, self._idle = self._idle, []
        for connection in idle:
            await connection.close()


def _unknown(exc: Exception) -> None:
    log.warning("live stock unavailable (%s); search flags as indexed", type(exc).__name__)
    return None
