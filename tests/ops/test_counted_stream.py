"""counted_stream: a stream counts in shopflow_sse_streams_open while it is being sent,
and stops counting however it ends (finished, or the client gone)."""

from __future__ import annotations

import asyncio

import pytest

from web.metrics import SSE_STREAMS_OPEN, counted_stream

pytestmark = pytest.mark.unit


def open_now() -> float:
    return SSE_STREAMS_OPEN.labels("tickets")._value.get()


def test_counted_while_sent_and_not_after_the_client_goes():
    closed = []

    async def events():
        try:
            for n in range(100):
                yield n
        finally:
            closed.append(True)

    async def scenario():
        before = open_now()
        stream = counted_stream("tickets", events())
        assert await stream.__anext__() == 0
        during = open_now()
        await stream.aclose()  # the client went away mid-stream
        return before, during, open_now()

    before, during, after = asyncio.run(scenario())
    assert during == before + 1 and after == before
    assert closed == [True]  # the source's own cleanup ran
