"""A synchronous door to Temporal for Flask views.

The temporalio client is asyncio-only and not thread-safe, while gunicorn serves
requests on threads. So each web process owns exactly one background thread running
one event loop with one client; views hand it coroutines and wait for the answer.
Never `asyncio.run` per request: that would reconnect every time.
"""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Awaitable, Callable
from concurrent.futures import Future
from typing import TypeVar

from temporalio.client import Client

import temporal_client
from settings import Settings

T = TypeVar("T")


class TemporalUnavailable(RuntimeError):
    """Temporal could not be reached; pages say so, the API answers 503."""


class TemporalGateway:
    def __init__(self, settings: Settings, *, connect_timeout: float = 10.0) -> None:
        self._settings = settings
        self._address = settings.temporal_address
        self._connect_timeout = connect_timeout
        self._loop: asyncio.AbstractEventLoop | None = None
        self._client: Client | None = None
        self._lock = threading.Lock()

    def _ensure_loop(self) -> asyncio.AbstractEventLoop:
        with self._lock:
            if self._loop is None:
                loop = asyncio.new_event_loop()
                thread = threading.Thread(
                    target=loop.run_forever, name="temporal-gateway", daemon=True
                )
                thread.start()
                self._loop = loop
            return self._loop

    async def _get_client(self) -> Client:
        # Runs on the gateway loop only, so no lock is needed around the connect.
        if self._client is None:
            self._client = await temporal_client.connect(self._settings)
        return self._client

    def call(self, make: Callable[[Client], Awaitable[T]], *, timeout: float = 30.0) -> T:
        """Run `make(client)` on the gateway loop and return its result to this thread."""

        async def run() -> T:
            try:
                client = await asyncio.wait_for(self._get_client(), self._connect_timeout)
            except (TimeoutError, OSError, RuntimeError) as exc:
                raise TemporalUnavailable(f"cannot reach Temporal at {self._address}") from exc
            return await make(client)

        future: Future[T] = asyncio.run_coroutine_threadsafe(run(), self._ensure_loop())
        return future.result(timeout)

    def close(self) -> None:
        with self._lock:
            if self._loop is not None:
                self._loop.call_soon_threadsafe(self._loop.stop)
                self._loop = None
                self._client = None
