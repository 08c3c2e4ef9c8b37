"""The local cluster (stack/cluster.py, docs/scaling.md "The local cluster"): every node
up and listed, HAProxy spreading requests over both web instances, a live-stock stream
through the balancer, and a web instance killed by its pid while the balancer keeps
answering.

One cluster of its own for the module, on free ports under the test's temporary dir.
"""

from __future__ import annotations

import json
import secrets
import subprocess
import sys
import time
from collections import Counter

import httpx
import pytest
from sqlalchemy import text

from settings import PROJECT_ROOT, Settings
from stack.haproxy import HEALTH_PATH, SERVED_BY, server_stats
from tests.live.sse import SseStream
from tests.stock_world import insert_item

pytestmark = pytest.mark.integration

WAREHOUSE = 99501
ITEM = 995001
EVERY_NODE = {
    "postgres", "redis-1", "redis-2", "sentinel-1", "sentinel-2", "sentinel-3",
    "typesense-1", "typesense-2", "typesense-3", "temporal", "mail",
    "web-1", "web-2", "worker-checkout-1", "worker-checkout-2",
    "worker-fulfilment-1", "worker-fulfilment-2", "relay-1", "relay-2", "balancer",
}  # fmt: skip


@pytest.fixture(scope="module")
def cluster(tmp_path_factory):
    from stack.cluster import Cluster

    var_dir = tmp_path_factory.mktemp("cluster-var")
    settings = Settings(
        environment="dev",
        secret_key=secrets.token_urlsafe(32),
        vault_keys=(secrets.token_urlsafe(48),),
        task_queue="shopflow-cluster-test",
    )
    running = Cluster(var_dir, settings)
    running.start()
    try:
        yield running
    finally:
        running.stop()


@pytest.fixture(scope="module")
def engine(cluster):
    from db.postgres.engine import make_engine

    eng = make_engine(cluster.settings.database_url)
    yield eng
    eng.dispose()


def _stack_status(cluster) -> list[dict]:
    result = subprocess.run(
        [sys.executable, "-m", "entrypoints", "stack", "status", "--json"],
        cwd=PROJECT_ROOT,
        env={"SHOPFLOW_ENV": "dev", "SHOPFLOW_VAR_DIR": str(cluster.var_dir), "PATH": "/usr/bin"},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def _served_by(url: str, requests: int) -> Counter:
    with httpx.Client(timeout=10) as http:
        return Counter(http.get(url).headers.get(SERVED_BY) for _ in range(requests))


def test_stack_status_lists_every_node_up_with_its_role_pid_and_port(cluster):
    nodes = {node["name"]: node for node in _stack_status(cluster)}

    assert set(nodes) == EVERY_NODE
    assert {name for name, node in nodes.items() if node["state"] != "up"} == set()
    assert all(isinstance(node["pid"], int) for node in nodes.values())
    assert nodes["web-1"]["role"] == "web" and nodes["balancer"]["role"] == "haproxy"
    assert [n["role"] for n in nodes.values()].count("redis-primary") == 1
    assert [n["role"] for n in nodes.values()].count("redis-sentinel") == 3
    assert nodes["balancer"]["port"] == int(cluster.balancer_url.rsplit(":", 1)[1])
    assert nodes["postgres"]["port"] is None  # a unix socket


def test_the_balancer_sends_requests_to_both_web_instances(cluster):
    answered = _served_by(cluster.balancer_url + HEALTH_PATH, 20)

    assert set(answered) == {"web-1", "web-2"}
    stats = server_stats(cluster.stats_socket)
    assert {name: row["status"] for name, row in stats.items()} == {"web-1": "UP", "web-2": "UP"}


def test_one_relay_is_active(cluster):
    assert cluster.active_relay() in ("relay-1", "relay-2")


def test_a_live_stock_stream_through_the_balancer_delivers_a_change(cluster, engine):
    with engine.begin() as conn:
        conn.execute(
            text(
                "INSERT INTO warehouses (id, name, region, latitude, longitude, active) "
                "VALUES (:w, 'Cluster DC', 'Test, US', 47.6, -122.3, true)"
            ),
            {"w": WAREHOUSE},
        )
    insert_item(engine, ITEM, {WAREHOUSE: 30}, name="Cluster kettle", sku="CLUSTER-1")
    stream = SseStream(f"{cluster.balancer_url}/api/v1/items/{ITEM}/stock/events")
    try:
        assert stream.response.status_code == 200
        assert stream.response.headers[SERVED_BY] in ("web-1", "web-2")
        first = stream.next(within=30)
        assert first.json["stock"] == 30
        with engine.begin() as conn:
            conn.execute(
                text("UPDATE aggregated_stock SET stock = 29 WHERE item_id = :i"), {"i": ITEM}
            )
        assert stream.next(within=30).json["stock"] == 29
    finally:
        stream.close()


def test_a_killed_web_instance_costs_at_most_a_couple_of_requests_and_comes_back(cluster):
    url = cluster.balancer_url + HEALTH_PATH
    statuses: Counter = Counter()
    with httpx.Client(timeout=10) as http:
        for _ in range(10):
            statuses[http.get(url).status_code] += 1
        killed = cluster.kill("web-1")
        deadline = time.monotonic() + 5
        while time.monotonic() < deadline:
            statuses[http.get(url).status_code] += 1

    assert killed not in [n.pid for n in cluster.nodes() if n.state == "up"]
    assert {n.name: n.state for n in cluster.nodes()}["web-1"] == "down"
    assert statuses[200] >= 20
    assert sum(count for status, count in statuses.items() if status != 200) <= 2, statuses

    restarted = cluster.restart("web-1")
    assert restarted != killed
    deadline = time.monotonic() + 30
    while "web-1" not in _served_by(url, 4):
        assert time.monotonic() < deadline, "web-1 never answered through the balancer again"
        time.sleep(0.5)
