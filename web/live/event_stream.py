"""A text/event-stream response for many quiet connections: encoded bytes straight out.

The stock streams hold a connection per page or API client, and one change of a busy
item is sent to every one of them. sse-starlette's EventSourceResponse (still used by
the ticket streams) runs four tasks per connection in an anyio task group (data, ping,
shutdown watcher, disconnect watcher) and wraps every send in a cancel scope; with
1,000 clients bench.live measured ~60 µs of web CPU per delivered change, on the event
loop the pages and the API share. Here a connection costs two tasks: one sends what its
event source yields (already-encoded events, shared by every client: see
`_api_event`), the other waits for the client to leave. Heartbeats come from the
source itself (its listener beats with the process's one ticker, web/live/fanout.py),
so no timer per connection; and the stock streams reach this response ahead of
Starlette's middleware (web/live/direct_routes.py), so `send` is the server's own.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator

from starlette.types import Receive, Scope, Send

from web.metrics import SSE_STREAMS_OPEN

HEARTBEAT = b": ping\n\n"
HEADERS = [
    (b"content-type", b"text/event-stream; charset=utf-8"),
    (b"cache-control", b"no-store"),
    (b"connection", b"keep-alive"),
    (b"x-accel-buffering", b"no"),  # a proxy in front must not buffer the stream
]


class EventStream:
    """An ASGI response sending each chunk `events` yields, until either side ends."""

    status_code = 200  # as Starlette's responses say theirs (the access line reads it)

    def __init__(self, events: AsyncIterator[bytes], kind: str = "stock") -> None:
        self._events = events
        self._kind = kind  # the `stream` label of shopflow_sse_streams_open

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        with SSE_STREAMS_OPEN.labels(self._kind).track_inprogress():
            await self._serve(receive, send)

    async def _serve(self, receive: Receive, send: Send) -> None:
        await send({"type": "http.response.start", "status": 200, "headers": HEADERS})
        pump = asyncio.ensure_future(self._pump(send))
        gone = asyncio.ensure_future(_disconnect(receive))
        try:
            await asyncio.wait({pump, gone}, return_when=asyncio.FIRST_COMPLETED)
        finally:
            for task in (pump, gone):
                task.cancel()
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await pump  # runs the source's cleanup (its listener unregisters)
            aclose = getattr(self._events, "aclose", None)
            if aclose is not None:
                with contextlib.suppress(Exception):
                    await aclose()
        if pump.done() and not pump.cancelled() and pump.exception() is None:
            await send({"type": "http.response.body", "body": b"", "more_body": False})

    async def _pump(self, send: Send) -> None:
        async for chunk in self._events:
            await send({"type": "http.response.body", "body": chunk, "more_body": True})


async def _disconnect(receive: Receive) -> None:
    while (await receive())["type"] != "http.disconnect":
        pass
