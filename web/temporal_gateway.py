"""A synchronous door to Temporal for Flask views, and the one way its answers are read.

The temporalio client is asyncio-only and not thread-safe, while gunicorn serves
requests on threads. So each web process owns exactly one background thread running
one event loop with one client; views hand it coroutines and wait for the answer.
Never `asyncio.run` per request: that would reconnect every time.

`temporal_call(gateway, make, timeout=..., what=...)` runs a query, update or start
and gives back its result, or raises one of four outcomes, whatever the call was:

    WorkflowClosed       the run has already ended (the call raced its end)
    WorkflowRefused      its validator or handler said no: the ApplicationError's
                         type (`kind`) and message
    TemporalUnavailable  unreachable, failed, or (`still_working`) too slow to answer
    WorkflowNotFound     no such workflow (or run)

The feature clients (web/checkout and web/warehouses `workflow_client.py`, web/orders/adapters.py)
map these to their own HTTP errors and nothing else.
"""

from __future__ import annotations

import asyncio
import logging
import threading
from collections.abc import Awaitable, Callable
from concurrent.futures import Future
from typing import TypeVar

from temporalio.client import (
    Client,
    RPCTimeoutOrCancelledError,
    WorkflowQueryFailedError,
    WorkflowUpdateFailedError,
)
from temporalio.exceptions import ApplicationError, TemporalError
from temporalio.service import RPCError, RPCStatusCode

import temporal_client
from settings import Settings

log = logging.getLogger(__name__)
T = TypeVar("T")


class TemporalUnavailable(RuntimeError):
    """Temporal could not be reached or failed; pages say so, the API answers 503.

    `still_working`: it was only too slow, the call may still take effect.
    """

    def __init__(self, message: str = "Temporal is unavailable", *, still_working: bool = False):
        super().__init__(message)
        self.still_working = still_working


class WorkflowClosed(Exception):
    """The workflow run has already ended: its final state (or database row) has the answer."""


class WorkflowNotFound(Exception):
    """No such workflow, or no such run of it."""


class WorkflowRefused(Exception):
    """The workflow said no: its validator or handler raised an ApplicationError."""

    def __init__(self, kind: str, message: str) -> None:
        super().__init__(message)
        self.kind = kind
        self.message = message


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


def temporal_call(
    gateway: TemporalGateway | None,
    make: Callable[[Client], Awaitable[T]],
    *,
    timeout: float,
    what: str,
) -> T:
    """`make(client)`'s result, or WorkflowClosed / WorkflowRefused / TemporalUnavailable /
    WorkflowNotFound; `what` names the feature in the log. No gateway (no
    TEMPORAL_ADDRESS configured) is TemporalUnavailable."""
    if gateway is None:
        raise TemporalUnavailable(f"{what}: no Temporal address is configured")
    try:
        return gateway.call(make, timeout=timeout)
    except TemporalUnavailable as error:
        log.warning("%s: %s", what, error)
        raise
    except (TimeoutError, RPCTimeoutOrCancelledError) as error:
        raise TemporalUnavailable(f"{what}: no answer in time", still_working=True) from error
    except WorkflowUpdateFailedError as error:
        cause = application_error(error)
        if cause is None:
            log.warning("%s: an update failed without a reason: %r", what, error.cause)
            raise TemporalUnavailable(f"{what}: update failed") from error
        raise WorkflowRefused(cause.type or "Refused", cause.message) from error
    except WorkflowQueryFailedError as error:
        log.warning("%s: a query failed: %s", what, error)
        raise TemporalUnavailable(f"{what}: query failed") from error
    except RPCError as error:
        if error.status is RPCStatusCode.NOT_FOUND:
            raise (WorkflowClosed if is_closed(error) else WorkflowNotFound)() from error
        log.warning("%s: Temporal answered %s: %s", what, error.status.name, error.message)
        raise TemporalUnavailable(f"{what}: {error.status.name}") from error


def is_closed(error: RPCError) -> bool:
    """NOT_FOUND because the run already ended, rather than because it never existed.

    "aborted by closing workflow": the server had admitted an update but the run closed
    (e.g. a repeated SUBMIT while the checkout was handing its order on) before a worker
    took it.
    """
    if error.status is not RPCStatusCode.NOT_FOUND:
        return False
    return "completed" in error.message or "closing workflow" in error.message


def application_error(error: WorkflowUpdateFailedError) -> ApplicationError | None:
    """The ApplicationError a workflow refused an update with, however deeply wrapped."""
    cause: BaseException | None = error.cause
    while cause is not None and not isinstance(cause, ApplicationError):
        cause = cause.__cause__ if isinstance(cause, TemporalError) else None
    return cause
