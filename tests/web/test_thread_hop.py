"""Blocking work handed from the event loop to a fixed set of threads (web/thread_hop.py)."""

from __future__ import annotations

import asyncio
import contextvars
import threading
import time

import pytest

from web.thread_hop import ThreadHop

pytestmark = pytest.mark.unit

REQUEST = contextvars.ContextVar("request", default="-")


@pytest.fixture
def hop():
    hop = ThreadHop(2, name="test-hop")
    yield hop
    hop.close()


def test_the_call_runs_off_the_loop_and_its_result_comes_back(hop):
    async def main():
        return await hop.run(lambda a, b: (a + b, threading.current_thread().name), 2, 3)

    total, thread = asyncio.run(main())
    assert total == 5
    assert thread.startswith("test-hop-")


def test_the_calls_exception_is_raised_to_the_caller(hop):
    def fails():
        raise LookupError("no such item")

    async def main():
        await hop.run(fails)

    with pytest.raises(LookupError, match="no such item"):
        asyncio.run(main())


def test_the_callers_context_goes_with_the_call(hop):
    async def one(name):
        REQUEST.set(name)
        return await hop.run(REQUEST.get)

    async def main():
        return await asyncio.gather(*(one(f"req-{i}") for i in range(6)))

    assert asyncio.run(main()) == [f"req-{i}" for i in range(6)]


def test_no_more_calls_run_at_once_than_there_are_threads(hop):
    running, most = 0, 0
    lock = threading.Lock()

    def slow():
        nonlocal running, most
        with lock:
            running += 1
            most = max(most, running)
        time.sleep(0.05)
        with lock:
            running -= 1

    async def main():
        await asyncio.gather(*(hop.run(slow) for _ in range(6)))

    asyncio.run(main())
    assert most == 2


def test_a_caller_that_gives_up_leaves_the_threads_serving_others(hop):
    release = threading.Event()

    async def main():
        stuck = asyncio.ensure_future(hop.run(release.wait))
        await asyncio.sleep(0.05)
        stuck.cancel()
        release.set()
        return await asyncio.wait_for(hop.run(lambda: "next"), timeout=5)

    assert asyncio.run(main()) == "next"
