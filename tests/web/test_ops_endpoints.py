"""/readyz and /metrics against the real stack: every service named, a dead Typesense
named in a 503, counters that move, and the stores' own gauges."""

from __future__ import annotations

import time

import pytest
from sqlalchemy import text

from stack.ports import free_port
from tests.web.test_ops_fast import sample

pytestmark = [pytest.mark.web, pytest.mark.integration]


def test_readyz_names_every_service_and_says_ready(client):
    answer = client.get("/readyz")
    assert answer.status_code == 200, answer.get_json()
    assert answer.get_json() == {
        "status": "ready",
        "checks": {"postgresql": "up", "redis": "up", "typesense": "up", "temporal": "up"},
    }


def test_readyz_answers_503_naming_typesense_while_it_is_down(make_app, web_settings):
    from dataclasses import replace

    dead = replace(web_settings, typesense_url=f"http://127.0.0.1:{free_port()}")
    client = make_app(dead).test_client()
    started = time.monotonic()
    answer = client.get("/readyz")
    assert time.monotonic() - started < 5
    assert answer.status_code == 503
    body = answer.get_json()
    assert body["down"] == ["typesense"]
    assert body["checks"]["typesense"].startswith("down")
    assert {body["checks"][s] for s in ("postgresql", "redis", "temporal")} == {"up"}


def test_readyz_answers_503_naming_temporal_when_it_is_unreachable(make_app, web_settings):
    from dataclasses import replace

    dead = replace(web_settings, temporal_address=f"127.0.0.1:{free_port()}")
    answer = make_app(dead).test_client().get("/readyz")
    assert answer.status_code == 503
    assert answer.get_json()["down"] == ["temporal"]


def test_a_search_moves_the_request_and_search_counters(client, web_catalogue):
    route = {"route": "/api/v1/items", "method": "GET", "status": "200"}
    before = client.get("/metrics").text
    assert client.get("/api/v1/items?query=mug").status_code == 200
    after = client.get("/metrics").text
    assert sample(after, "shopflow_http_requests_total", **route) == (
        sample(before, "shopflow_http_requests_total", **route) + 1
    )
    assert sample(after, "shopflow_search_duration_seconds_count") == (
        sample(before, "shopflow_search_duration_seconds_count") + 1
    )


def test_metrics_show_the_waiting_room_depth_and_the_stock_relay_lag(client, web_settings):
    from db.postgres.engine import make_engine

    engine = make_engine(web_settings.database_url)
    try:
        with engine.begin() as conn:
            item = conn.execute(text("SELECT min(id) FROM items")).scalar_one()
            conn.execute(
                text("INSERT INTO waiting_room_items (item_id) VALUES (:i) ON CONFLICT DO NOTHING"),
                {"i": item},
            )
            # An unpublished stock change, 30 s old: no relay runs against this database.
            conn.execute(
                text(
                    "INSERT INTO stock_events (item_id, stock, crossed_zero, created_at)"
                    " VALUES (:i, 1, false, clock_timestamp() - interval '30 seconds')"
                ),
                {"i": item},
            )
        from db.redis.waiting_room import WaitingRoom
        from web.services import Services

        services = client.application.extensions["shopflow"]
        assert isinstance(services, Services)
        room = WaitingRoom(services.redis)
        room.join(item, 424242, 1, int(time.time() * 1000))

        text_ = client.get("/metrics").text
        assert sample(text_, "shopflow_waiting_room_depth", item_id=str(item)) >= 1
        assert sample(text_, "shopflow_stock_relay_lag_seconds") >= 30
        assert sample(text_, "shopflow_stock_relay_backlog") >= 1
    finally:
        with engine.begin() as conn:
            conn.execute(text("DELETE FROM stock_events"))
            conn.execute(text("DELETE FROM waiting_room_items"))
        engine.dispose()
