"""One Temporal test server for the whole session, shared by every workflow test.

Starting a time-skipping server per test cost each test a server start-up; now the
first test that needs one starts it and the session keeps it (the real dev server,
for the few scenarios the time-skipping one mishandles, likewise). Both live on one
background thread with its own event loop, and every scenario runs there:

    result = run(scenario())          # instead of asyncio.run(scenario())

    async with workflow_server() as env:             # inside a scenario
        async with Worker(env.client, task_queue=unique_task_queue("checkout"), ...):

Why a thread of its own: the server's client and the workers belong to the loop that
made them, and Playwright's sync API (tests/e2e) keeps a loop running in the main
thread, where `asyncio.run` would refuse to start. Tests stay apart on the shared
server by task queue (`unique_task_queue`) and by ending the workflows they started
(the harnesses do both), since workflow ids like `checkout-<user>` repeat.

Outside a pytest session (the history recorders run as scripts) `workflow_server()`
starts a server of its own for the block, as before.

A scenario that fails takes the servers with it (the next one starts afresh), so one
failure never poisons the rest of the session.

The session ends the servers explicitly (tests/workflows/conftest.py), workers first:
letting sdk-core tear a server's client down at interpreter exit is what panics.
"""

from __future__ import annotations

import asyncio
import shutil
import sys
import threading
import uuid
from collections.abc import AsyncIterator, Coroutine
from contextlib import asynccontextmanager
from datetime import timedelta
from pathlib import Path
from typing import Any, TypeVar

from temporalio.api.enums.v1 import IndexedValueType
from temporalio.api.operatorservice.v1 import AddSearchAttributesRequest
from temporalio.client import Client, WorkflowHandle, WorkflowHistory
from temporalio.common import SearchAttributeKey
from temporalio.testing import WorkflowEnvironment

T = TypeVar("T")

# Every Keyword search attribute a workflow under test upserts (the dev server of
# `shopflow run` registers them with --search-attribute).
SEARCH_ATTRIBUTES = ("CustomerId", "CheckoutStatus", "OrderId", "OrderStatus")
# A busy shared machine can take well over the SDK's default 5 s to start a server.
STARTUP_TIMEOUT = timedelta(seconds=120)
SCENARIO_TIMEOUT_SECONDS = 240.0


def temporal_test_server_path() -> str:
    found = shutil.which("temporal-test-server") or str(
        Path(sys.executable).with_name("temporal-test-server")
    )
    if not Path(found).exists():
        raise RuntimeError("temporal-test-server not found: install the test extras")
    return found


def dev_server_path() -> str:
    return shutil.which("temporal") or str(Path(sys.executable).with_name("temporal"))


def unique_task_queue(name: str) -> str:
    return f"{name}-{uuid.uuid4().hex[:12]}"


async def start_server(real_time: bool = False) -> WorkflowEnvironment:
    """A new server: time-skipping by default, the real dev server with `real_time`."""
    if real_time:
        return await WorkflowEnvironment.start_local(
            dev_server_existing_path=dev_server_path(),
            search_attributes=[SearchAttributeKey.for_keyword(n) for n in SEARCH_ATTRIBUTES],
            dev_server_startup_timeout=STARTUP_TIMEOUT,
        )
    env = await WorkflowEnvironment.start_time_skipping(
        test_server_existing_path=temporal_test_server_path()
    )
    await register_search_attributes(env.client)
    return env


async def register_search_attributes(client: Client) -> None:
    """The dev server gets these from `--search-attribute`; the test server needs asking."""
    keyword = IndexedValueType.INDEXED_VALUE_TYPE_KEYWORD
    await client.operator_service.add_search_attributes(
        AddSearchAttributesRequest(
            namespace=client.namespace,
            search_attributes={name: keyword for name in SEARCH_ATTRIBUTES},
        )
    )


class SessionServers:
    """The session's servers and the loop they (and every scenario) run on."""

    def __init__(self) -> None:
        self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(
            target=self._loop.run_forever, name="workflow-tests", daemon=True
        )
        self._thread.start()
        self._servers: dict[bool, WorkflowEnvironment] = {}
        self._starting = asyncio.Lock()

    def run(self, coroutine: Coroutine[Any, Any, T]) -> T:
        future = asyncio.run_coroutine_threadsafe(coroutine, self._loop)
        try:
            return future.result(SCENARIO_TIMEOUT_SECONDS)
        except BaseException:
            # A failed scenario may leave the server unable to skip time (a workflow
            # whose task nobody polls, a sleep cut short): the next test gets a new one.
            future.cancel()  # stops its workers too, or they would poll on
            self._discard_servers()
            raise

    def _discard_servers(self) -> None:
        async def shut_down() -> None:
            async with self._starting:
                servers, self._servers = list(self._servers.values()), {}
            for server in servers:
                await server.shutdown()

        try:
            asyncio.run_coroutine_threadsafe(shut_down(), self._loop).result(60)
        except Exception:  # noqa: BLE001 - a server that will not stop is replaced all the same
            pass

    def owns_running_loop(self) -> bool:
        try:
            return asyncio.get_running_loop() is self._loop
        except RuntimeError:
            return False

    async def server(self, real_time: bool) -> WorkflowEnvironment:
        async with self._starting:
            if real_time not in self._servers:
                self._servers[real_time] = await start_server(real_time)
            return self._servers[real_time]

    def close(self) -> None:
        async def shut_down() -> None:
            for server in self._servers.values():
                await server.shutdown()

        try:
            self.run(shut_down())
        finally:
            self._loop.call_soon_threadsafe(self._loop.stop)
            self._thread.join(timeout=10)


_session: SessionServers | None = None
_session_lock = threading.Lock()


def session_servers() -> SessionServers:
    global _session
    with _session_lock:
        if _session is None:
            _session = SessionServers()
        return _session


def close_session_servers() -> None:
    global _session
    with _session_lock:
        session, _session = _session, None
    if session is not None:
        session.close()


def run(coroutine: Coroutine[Any, Any, T]) -> T:
    """Run a test's scenario on the session's loop, next to its servers."""
    return session_servers().run(coroutine)


@asynccontextmanager
async def workflow_server(
    *, real_time: bool = False, own: bool = False
) -> AsyncIterator[WorkflowEnvironment]:
    """The session's server (started on first use), or, outside a session's loop or with
    `own`, one of its own for the block."""
    session = _session
    if session is not None and session.owns_running_loop() and not own:
        yield await session.server(real_time)
        return
    async with await start_server(real_time) as env:
        yield env


async def end_workflows(client: Client, workflow_ids: list[str]) -> None:
    """Terminate what a scenario left running (ids repeat between tests on one server)."""
    from temporalio.service import RPCError

    for workflow_id in dict.fromkeys(workflow_ids):
        try:
            await client.get_workflow_handle(workflow_id).terminate(reason="test over")
        except RPCError:
            pass  # finished already, or never started


async def run_histories(client: Client, handle: WorkflowHandle) -> list[WorkflowHistory]:
    """The first run's history and, if it continued as new, the last run's."""
    first = client.get_workflow_handle(handle.id, run_id=handle.first_execution_run_id)
    histories = [await first.fetch_history()]
    last = await client.get_workflow_handle(handle.id).fetch_history()
    return histories if last.run_id == histories[0].run_id else [*histories, last]
