"""A stream writes the store's access line when it opens: its route, never its path's
ids or its query string (docs/operations.md, "The access log")."""

from __future__ import annotations

import logging

import pytest

from tests.live.sse import SseStream
from tests.waiting import wait_until
from web.live.streams import ITEM_EVENTS_PATH

pytestmark = [pytest.mark.integration, pytest.mark.web]

KETTLE = "Electric Kettle 1.7L"


def access_lines(caplog) -> list[logging.LogRecord]:
    return [r for r in caplog.records if r.name == "shopflow.request"]


def test_an_opened_stream_is_logged_once_by_its_route_with_its_status(
    live_store, live_server, caplog
):
    caplog.set_level(logging.INFO, logger="shopflow.request")
    item_id = live_store.item(KETTLE)
    path = ITEM_EVENTS_PATH.format(item_id=item_id)
    stream = SseStream(live_server.url + path)
    try:
        assert stream.next(within=10).json["itemID"] == item_id
    finally:
        stream.close()
    refused = SseStream(live_server.url + path + "?secret-looking=words")
    try:
        assert refused.response.status_code == 400  # not a documented parameter
    finally:
        refused.close()

    wait_until(lambda: len(access_lines(caplog)) >= 2, what="two access lines")
    lines = [(r.route, r.status) for r in access_lines(caplog)]
    assert lines == [(ITEM_EVENTS_PATH, 200), (ITEM_EVENTS_PATH, 400)]
    logged = "\n".join(r.getMessage() for r in caplog.records)
    assert "secret-looking" not in logged and f"/items/{item_id}/" not in logged
