"""A ready answer leaves in one socket write; every other answer as uvicorn writes it
(web/one_write.py). Driven through the real uvicorn protocol with a recording transport."""

from __future__ import annotations

import asyncio

import pytest
import uvicorn
from uvicorn.server import ServerState

from web.one_write import EXTENSION_KEY, HeldHeadTransport, OneWriteProtocol
from web.search.fast_api import ReadyAnswer

pytestmark = pytest.mark.unit

BODY = b'{"hits": []}'
HEADERS = [(b"content-type", b"application/json"), (b"content-length", str(len(BODY)).encode())]


class RecordingTransport(asyncio.Transport):
    def __init__(self) -> None:
        super().__init__()
        self.writes: list[bytes] = []
        self.closed = False

    def write(self, data) -> None:
        self.writes.append(bytes(data))

    def close(self) -> None:
        self.closed = True

    def is_closing(self) -> bool:
        return self.closed

    def get_extra_info(self, name, default=None):
        return {"peername": ("127.0.0.1", 5000), "sockname": ("127.0.0.1", 8000)}.get(name, default)

    def pause_reading(self) -> None: ...

    def resume_reading(self) -> None: ...


async def two_messages(scope, receive, send) -> None:
    """An ordinary ASGI answer, as Starlette's Response sends it (no request to hold)."""
    await send({"type": "http.response.start", "status": 200, "headers": HEADERS})
    await send({"type": "http.response.body", "body": BODY})


def serve(app, requests: bytes) -> RecordingTransport:
    async def run() -> RecordingTransport:
        config = uvicorn.Config(app, http=OneWriteProtocol, log_level="warning", lifespan="off")
        config.load()
        protocol = OneWriteProtocol(config, ServerState(), {})
        transport = RecordingTransport()
        protocol.connection_made(transport)
        protocol.data_received(requests)
        for _ in range(20):  # the ASGI tasks run, one answer after the other
            await asyncio.sleep(0)
        protocol.connection_lost(None)
        return transport

    return asyncio.run(run())


GET = b"GET /api/v1/items?q=lamp HTTP/1.1\r\nHost: shop\r\n\r\n"


def test_a_ready_answer_is_one_write_with_its_head_and_body():
    transport = serve(ReadyAnswer(200, HEADERS, BODY), GET)
    assert len(transport.writes) == 1
    head, _, body = transport.writes[0].partition(b"\r\n\r\n")
    assert head.startswith(b"HTTP/1.1 200 OK\r\n")
    assert b"content-length: 12" in head
    assert body == BODY


def test_an_ordinary_answer_is_still_written_as_uvicorn_writes_it():
    transport = serve(two_messages, GET)
    assert len(transport.writes) == 2
    assert transport.writes[1] == BODY


def test_kept_alive_answers_one_after_the_other_each_leave_whole():
    transport = serve(ReadyAnswer(200, HEADERS, BODY), GET * 3)
    assert len(transport.writes) == 3
    assert all(w.startswith(b"HTTP/1.1 200 OK") and w.endswith(BODY) for w in transport.writes)


def test_the_hold_is_offered_to_the_app_in_the_requests_scope():
    seen = []

    async def app(scope, receive, send) -> None:
        seen.append(EXTENSION_KEY in scope.get("extensions", {}))
        await two_messages(scope, receive, send)

    serve(app, GET)
    assert seen == [True]


def test_a_held_head_is_written_before_the_connection_closes():
    real = RecordingTransport()
    held = HeldHeadTransport(real)
    held.hold_head()
    held.write(b"HTTP/1.1 200 OK\r\n\r\n")
    assert real.writes == []
    held.close()
    assert real.writes == [b"HTTP/1.1 200 OK\r\n\r\n"]
    assert real.closed


def test_the_store_serves_with_this_protocol():
    from uvicorn.importer import import_from_string

    from entrypoints.gunicorn import HTTP_PROTOCOL, StoreWorker

    assert StoreWorker.CONFIG_KWARGS["http"] == HTTP_PROTOCOL
    assert import_from_string(HTTP_PROTOCOL) is OneWriteProtocol
