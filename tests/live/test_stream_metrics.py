"""An open stock stream shows in /metrics (shopflow_sse_streams_open) while it is open."""

from __future__ import annotations

import time

import httpx
import pytest

from tests.live.sse import SseStream
from tests.web.test_ops_fast import sample

pytestmark = [pytest.mark.integration, pytest.mark.web]


def open_streams(server) -> float:
    scraped = httpx.get(f"{server.url}/metrics", timeout=10).text
    return sample(scraped, "shopflow_sse_streams_open", stream="stock")


def test_an_open_stock_stream_is_counted_until_it_closes(live_store, live_server):
    item = live_store.item("Two-Slice Toaster")
    before = open_streams(live_server)
    with SseStream(f"{live_server.url}/api/v1/items/{item}/stock/events") as stream:
        stream.next()
        assert open_streams(live_server) == before + 1
    deadline = time.monotonic() + 10
    while open_streams(live_server) != before and time.monotonic() < deadline:
        time.sleep(0.2)
    assert open_streams(live_server) == before
