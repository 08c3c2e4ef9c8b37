"""Open streams are capped per address and per signed-in user (429 + Retry-After), hold
no Redis connection of their own, and 300 of them opened and closed leave Redis's
client count and the web process's memory where they were."""

from __future__ import annotations

import gc
import socket
import time
from dataclasses import replace

import httpx
import psutil
import pytest
import redis

from tests.live_server import ServerThread
from tests.web.shoppers import PASSWORD, new_email
from web.live.asgi import READ_CONNECTIONS

pytestmark = pytest.mark.integration


@pytest.fixture
def serve(security_settings, security_catalogue):
    servers: list[ServerThread] = []

    def start(**caps) -> ServerThread:
        server = ServerThread(replace(security_settings, **caps))
        servers.append(server)
        return server

    yield start
    for server in servers:
        server.stop()


def _open(server: ServerThread, item_id: int, headers: dict[str, str] | None = None):
    """An SSE request on a raw socket; (socket, status line and headers)."""
    host, port = server.url.removeprefix("http://").split(":")
    conn = socket.create_connection((host, int(port)), timeout=10)
    extra = "".join(f"{k}: {v}\r\n" for k, v in (headers or {}).items())
    conn.sendall(
        f"GET /api/v1/items/{item_id}/stock/events HTTP/1.1\r\nHost: x\r\n"
        f"Accept: text/event-stream\r\n{extra}\r\n".encode()
    )
    return conn


def _head(conn) -> str:
    data = b""
    while b"\r\n\r\n" not in data:
        chunk = conn.recv(4096)
        if not chunk:
            break
        data += chunk
    return data.decode(errors="replace")


def _token(server: ServerThread) -> dict[str, str]:
    email = new_email()
    with httpx.Client(base_url=server.url) as http:
        assert (
            http.post(
                "/api/v1/auth/register", json={"email": email, "password": PASSWORD}
            ).status_code
            == 201
        )
        token = http.post("/api/v1/auth/token", json={"email": email, "password": PASSWORD}).json()[
            "token"
        ]
    return {"Authorization": f"Bearer {token}"}


def test_streams_beyond_the_cap_per_address_get_a_429_with_retry_after(serve, security_catalogue):
    server = serve(sse_streams_per_address=3, sse_streams_per_user=100)
    item = security_catalogue[0].id
    held = [_open(server, item) for _ in range(3)]
    assert all(_head(c).startswith("HTTP/1.1 200") for c in held)

    refused = _open(server, item)
    head = _head(refused)
    assert head.startswith("HTTP/1.1 429") and "retry-after: 10" in head.lower()

    held.pop().close()
    time.sleep(0.5)  # the server notices the disconnect and frees the slot
    again = _open(server, item)
    assert _head(again).startswith("HTTP/1.1 200")
    for conn in [*held, refused, again]:
        conn.close()


def test_streams_beyond_the_cap_per_user_get_a_429(serve, security_catalogue):
    server = serve(sse_streams_per_address=100, sse_streams_per_user=2)
    item = security_catalogue[0].id
    headers = _token(server)
    mine = [_open(server, item, headers) for _ in range(2)]
    assert all(_head(c).startswith("HTTP/1.1 200") for c in mine)

    third = _open(server, item, headers)
    assert _head(third).startswith("HTTP/1.1 429")
    anonymous = _open(server, item)  # the address is not at its cap
    assert _head(anonymous).startswith("HTTP/1.1 200")
    for conn in [*mine, third, anonymous]:
        conn.close()


def _clients(settings) -> int:
    with redis.Redis.from_url(settings.redis_url) as client:
        return int(client.info("clients")["connected_clients"])


def test_three_hundred_streams_opened_and_closed_leave_redis_and_memory_at_baseline(
    serve, security_settings, security_catalogue
):
    server = serve(sse_streams_per_address=1_000, sse_streams_per_user=1_000)
    items = [item.id for item in security_catalogue[:30]]
    # Warm up: one stream, so the pools and caches a first request builds are there.
    first = _open(server, items[0])
    _head(first)
    first.close()
    time.sleep(0.5)
    gc.collect()
    baseline_clients = _clients(security_settings)
    baseline_rss = psutil.Process().memory_info().rss

    streams = [_open(server, items[i % len(items)]) for i in range(300)]
    heads = [_head(conn) for conn in streams]
    assert all(h.startswith("HTTP/1.1 200") for h in heads), {h[:20] for h in heads}
    assert _clients(security_settings) <= baseline_clients + READ_CONNECTIONS
    for conn in streams:
        conn.close()

    time.sleep(2)  # the server notices every disconnect
    gc.collect()
    # What is left is the streams' shared pool (READ_CONNECTIONS at most), never one
    # connection per stream: before, 300 streams left 294 idle connections behind.
    assert _clients(security_settings) <= baseline_clients + READ_CONNECTIONS
    grown = (psutil.Process().memory_info().rss - baseline_rss) / 2**20
    assert grown < 40, f"the process kept {grown:.0f} MB after the streams closed"
