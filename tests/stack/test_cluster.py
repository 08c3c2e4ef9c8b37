"""The local cluster (stack/cluster.py, docs/scaling.md "The local cluster"): every node
up and listed, HAProxy spreading requests over both web instances, a live-stock stream
through the balancer, a web instance killed by its pid while the balancer keeps
answering (and its stream's viewer resumes on the other), the active relay and the Redis
primary killed.

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
from stack.errors import StackError
from stack.haproxy import HEALTH_PATH, SERVED_BY, haproxy_binary, server_stats
from tests.live.sse import SseStream
from tests.stock_world import insert_item

pytestmark = [
    pytest.mark.integration,
    # Like Chromium for the e2e tests: Debian's, installed by .ci/run.
    pytest.mark.skipif(haproxy_binary() is None, reason="no haproxy: apt-get install haproxy"),
]

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


def _stack(cluster, *args: str):
    result = subprocess.run(
        [sys.executable, "-m", "entrypoints", "stack", *args],
        cwd=PROJECT_ROOT,
        env={"SHOPFLOW_ENV": "dev", "SHOPFLOW_VAR_DIR": str(cluster.var_dir), "PATH": "/usr/bin"},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def _until(check, seconds: float, what: str):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            if found := check():
                return found
        except StackError:  # e.g. no live node holds the role yet
            pass
        time.sleep(0.1)
    raise AssertionError(f"{what} within {seconds} s")


def test_stack_env_points_another_shell_at_the_cluster(cluster):
    pairs = _stack(cluster, "env", "--json")
    evaluated = Settings.from_env(pairs, env_file=None)

    assert evaluated.database_url == cluster.settings.database_url
    assert evaluated.redis_sentinels == cluster.settings.redis_sentinels
    assert len(evaluated.typesense_nodes) == 3
    assert evaluated.secret_key == cluster.settings.secret_key


def _served_by(url: str, requests: int) -> Counter:
    with httpx.Client(timeout=10) as http:
        return Counter(http.get(url).headers.get(SERVED_BY) for _ in range(requests))


def test_stack_status_lists_every_node_up_with_its_role_pid_and_port(cluster):
    nodes = {node["name"]: node for node in _stack(cluster, "status", "--json")}

    assert set(nodes) == EVERY_NODE
    assert {name for name, node in nodes.items() if node["state"] != "up"} == set()
    assert all(isinstance(node["pid"], int) for node in nodes.values())
    assert nodes["web-1"]["role"] == "web" and nodes["balancer"]["role"] == "haproxy"
    assert [n["role"] for n in nodes.values()].count("redis-primary") == 1
    assert [n["role"] for n in nodes.values()].count("redis-sentinel") == 3
    assert nodes["balancer"]["port"] == int(cluster.balancer_url.rsplit(":", 1)[1])
    assert nodes["postgres"]["port"] is None  # a unix socket
    assert cluster.resolve("redis-primary") == "redis-1"  # no failover yet
    assert nodes[cluster.resolve("typesense-leader")]["role"] == "typesense-leader"


def test_the_balancer_sends_requests_to_both_web_instances(cluster):
    answered = _served_by(cluster.balancer_url + HEALTH_PATH, 20)

    assert set(answered) == {"web-1", "web-2"}
    stats = server_stats(cluster.stats_socket)
    assert {name: row["status"] for name, row in stats.items()} == {"web-1": "UP", "web-2": "UP"}


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


def _stream_on(cluster, instance: str) -> SseStream:
    """A live-stock stream through the balancer that landed on `instance` (round robin:
    one of the first two tries does)."""
    for _ in range(4):
        stream = SseStream(f"{cluster.balancer_url}/api/v1/items/{ITEM}/stock/events")
        if stream.response.headers[SERVED_BY] == instance:
            return stream
        stream.close()
    raise AssertionError(f"no stream landed on {instance}")


def _set_stock(engine, units: int) -> None:
    with engine.begin() as conn:
        conn.execute(
            text("UPDATE aggregated_stock SET stock = :s WHERE item_id = :i"),
            {"s": units, "i": ITEM},
        )


def test_a_killed_web_instance_costs_a_couple_of_requests_its_viewers_resume_and_it_returns(
    cluster, engine
):
    url = cluster.balancer_url + HEALTH_PATH
    stream = _stream_on(cluster, "web-1")
    stream.next(within=30)
    _set_stock(engine, 28)
    while (seen := stream.next(within=30)).json["stock"] != 28:
        pass
    statuses: Counter = Counter()
    with httpx.Client(timeout=10) as http:
        for _ in range(10):
            statuses[http.get(url).status_code] += 1
        killed = cluster.kill("web-1")
        _set_stock(engine, 27)  # while the viewer on web-1 is cut off
        deadline = time.monotonic() + 5
        while time.monotonic() < deadline:
            statuses[http.get(url).status_code] += 1
    stream.close()

    assert {n.name: n.state for n in cluster.nodes()}["web-1"] == "down"
    assert statuses[200] >= 20
    assert sum(count for status, count in statuses.items() if status != 200) <= 2, statuses
    # The viewer reconnects (as EventSource does, with the last id it saw) through the
    # balancer, lands on web-2, and gets the change it missed.
    resumed = SseStream(
        f"{cluster.balancer_url}/api/v1/items/{ITEM}/stock/events", {"Last-Event-ID": seen.id}
    )
    try:
        assert resumed.response.headers[SERVED_BY] == "web-2"
        assert resumed.next(within=30).json["stock"] == 27
    finally:
        resumed.close()

    restarted = cluster.restart("web-1")
    assert restarted != killed
    deadline = time.monotonic() + 30
    while "web-1" not in _served_by(url, 4):
        assert time.monotonic() < deadline, "web-1 never answered through the balancer again"
        time.sleep(0.5)


def test_the_active_relay_killed_the_other_takes_over_and_it_returns_as_standby(cluster):
    first = _until(cluster.active_relay, 30, "a relay holds the lock")

    cluster.kill(first)
    second = _until(cluster.active_relay, 5, "the standby took the lock")
    cluster.restart(first)
    time.sleep(1.0)

    assert second != first
    assert cluster.active_relay() == second


def test_the_redis_primary_killed_a_replica_takes_over_and_the_old_one_returns_as_replica(
    cluster,
):
    old = cluster.resolve("redis-primary")

    cluster.kill("redis-primary")
    new = _until(lambda: cluster.resolve("redis-primary"), 30, "the Sentinels promoted a replica")
    cluster.restart("redis-primary")  # the node killed under that name

    assert new != old
    roles = lambda: {n.name: (n.role, n.state) for n in cluster.nodes() if n.name in (old, new)}  # noqa: E731
    settled = {old: ("redis-replica", "up"), new: ("redis-primary", "up")}
    _until(lambda: roles() == settled, 30, "the old primary back as a replica")
    with httpx.Client(timeout=10) as http:
        _until(
            lambda: http.get(cluster.balancer_url + "/readyz").status_code == 200,
            30,
            "the web instances follow the new primary",
        )
