"""Blocking work handed from the event loop to a fixed set of threads, and awaited.

The anonymous search (web/search/fast_api.py) does its blocking I/O (Typesense, the
live-stock overlay) on a thread, once per search. Through anyio's `to_thread` that hop
cost about a sixth of the web tier's CPU per search (a capacity limiter, a cancel
scope, run-vars and a `queue.Queue` whose condition variable wakes the thread:
docs/benchmarks.md, "Search at the engine's speed"). Here the hop is a C
`SimpleQueue` to `threads` long-lived threads and one `call_soon_threadsafe` back.

The thread count is the bound: as many calls at once as there are threads (the
connection pools are sized to the web threads), the rest wait in the queue. The
caller's context variables (the request id on log lines) go with the call. A caller
cancelled meanwhile (the client went away) leaves the call to finish; its result is
dropped.
"""

from __future__ import annotations

import asyncio
import contextlib
import contextvars
import queue
import threading
from collections.abc import Callable
from typing import Any, TypeVar

T = TypeVar("T")

_Job = tuple[contextvars.Context, Callable[..., Any], tuple[Any, ...], asyncio.Future, Any]


class ThreadHop:
    def __init__(self, threads: int, *, name: str) -> None:
        if threads < 1:
            raise ValueError("threads must be at least 1")
        self._count = threads
        self._name = name
        self._jobs: queue.SimpleQueue[_Job | None] = queue.SimpleQueue()
        self._threads: list[threading.Thread] = []
        self._start_lock = threading.Lock()

    async def run(self, fn: Callable[..., T], *args: Any) -> T:
        """`fn(*args)` on one of the threads; its result, or its exception raised here."""
        if not self._threads:
            self._start()  # in the process that calls: a gunicorn worker, after fork
        loop = asyncio.get_running_loop()
        future: asyncio.Future[T] = loop.create_future()
        self._jobs.put((contextvars.copy_context(), fn, args, future, loop))
        return await future

    def close(self) -> None:
        """Let the threads finish what is queued and stop (tests; a server just exits)."""
        for _ in self._threads:
            self._jobs.put(None)
        for thread in self._threads:
            thread.join()
        self._threads = []

    def _start(self) -> None:
        with self._start_lock:
            if self._threads:
                return
            threads = [
                threading.Thread(target=self._work, name=f"{self._name}-{i}", daemon=True)
                for i in range(self._count)
            ]
            for thread in threads:
                thread.start()
            self._threads = threads

    def _work(self) -> None:
        while (job := self._jobs.get()) is not None:
            context, fn, args, future, loop = job
            try:
                result = context.run(fn, *args)
            except BaseException as exc:  # handed to the awaiting caller, as to_thread does
                _reply(loop, _fail, future, exc)
            else:
                _reply(loop, _succeed, future, result)
            del job, context, fn, args, future, loop  # nothing kept alive while idle


def _reply(loop: Any, reply: Callable[..., None], future: asyncio.Future, value: Any) -> None:
    # A loop closed meanwhile (the server stopping) has nobody left to answer; the
    # thread carries on with the queue.
    with contextlib.suppress(RuntimeError):
        loop.call_soon_threadsafe(reply, future, value)


def _succeed(future: asyncio.Future, result: Any) -> None:
    if not future.done():  # a caller cancelled meanwhile no longer waits
        future.set_result(result)


def _fail(future: asyncio.Future, exc: BaseException) -> None:
    if not future.done():
        future.set_exception(exc)
