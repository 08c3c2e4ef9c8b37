"""The stock streams' response: what a source yields goes out as it comes, and a client
that leaves ends the source at once (its listener must not outlive the connection)."""

from __future__ import annotations

import asyncio

import pytest

from web.live.event_stream import EventStream

pytestmark = pytest.mark.unit


def serve(source_factory, *, leave_after: float | None):
    """Run one response; the client leaves after `leave_after` seconds (None: stays)."""

    async def scenario():
        cleaned = asyncio.Event()
        sent: list[dict] = []
        left = asyncio.Event()

        async def receive():
            await left.wait()
            return {"type": "http.disconnect"}

        async def send(message):
            sent.append(message)

        response = EventStream(source_factory(cleaned))
        served = asyncio.ensure_future(response({"type": "http"}, receive, send))
        if leave_after is not None:
            await asyncio.sleep(leave_after)
            left.set()
        await asyncio.wait_for(served, 5)
        return sent, cleaned.is_set()

    return asyncio.run(scenario())


def test_a_client_that_leaves_ends_its_source_and_nothing_more_is_sent():
    def waiting_forever(cleaned):
        async def events():
            try:
                yield b"data: 1\n\n"
                await asyncio.Event().wait()
            finally:
                cleaned.set()

        return events()

    sent, cleaned = serve(waiting_forever, leave_after=0.1)

    assert sent[0]["status"] == 200
    assert (b"text/event-stream; charset=utf-8") in dict(sent[0]["headers"]).values()
    assert [m["body"] for m in sent[1:]] == [b"data: 1\n\n"]  # no closing body to a gone client
    assert cleaned


def test_a_source_that_ends_closes_the_stream():
    def two_events(cleaned):
        async def events():
            try:
                yield b"data: 1\n\n"
                yield b"data: 2\n\n"
            finally:
                cleaned.set()

        return events()

    sent, cleaned = serve(two_events, leave_after=None)

    assert [m["body"] for m in sent[1:]] == [b"data: 1\n\n", b"data: 2\n\n", b""]
    assert sent[-1]["more_body"] is False
    assert cleaned
