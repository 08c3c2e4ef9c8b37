"""The local cluster's generated pieces, without starting anything: HAProxy's config and
`make run-cluster`'s ports (docs/scaling.md, "The local cluster")."""

from __future__ import annotations

from pathlib import Path

import pytest

from settings import Settings
from stack.cluster_ports import ClusterPorts
from stack.haproxy import haproxy_config

pytestmark = pytest.mark.unit


def _config() -> list[str]:
    text = haproxy_config(8000, [("web-1", 8001), ("web-2", 8002)], Path("/run/x.sock"))
    return [line.strip() for line in text.splitlines()]


def test_the_balancer_sends_to_every_web_instance_it_finds_alive_on_livez():
    lines = _config()
    assert "bind 127.0.0.1:8000" in lines
    assert "server web-1 127.0.0.1:8001 check" in lines
    assert "server web-2 127.0.0.1:8002 check" in lines
    assert "option httpchk GET /livez" in lines
    assert "http-response set-header X-Served-By %[srv_name]" in lines


def test_a_refused_connection_goes_to_the_other_instance_but_no_post_is_sent_twice():
    lines = _config()
    assert "option redispatch 1" in lines and "retries 3" in lines
    # A GET or HEAD cut off by a dying instance is asked again of the other one...
    assert "retry-on conn-failure empty-response" in lines
    # ...any other method only when its connection never reached a server.
    assert "http-request disable-l7-retry if !METH_GET !METH_HEAD" in lines


def test_quiet_live_stock_streams_outlast_the_heartbeat():
    timeouts = {
        line.split()[1]: line.split()[2] for line in _config() if line.startswith("timeout ")
    }
    heartbeat = Settings().sse_heartbeat_seconds
    assert int(timeouts["server"].rstrip("s")) > heartbeat
    assert int(timeouts["client"].rstrip("s")) > heartbeat
    assert "tunnel" in timeouts


def test_run_cluster_ports_sit_beside_make_runs_and_move_with_them():
    ports = ClusterPorts.fixed(Settings(port=9000, redis_port=7000, typesense_port=9108))
    assert ports.balancer == 9000 and ports.web == (9001, 9002)
    assert ports.redis == (7000, 7001) and ports.sentinels == (27000, 27001, 27002)
    assert ports.typesense == (9108, 9118, 9128)
    everything = [
        ports.balancer, *ports.web, *ports.redis, *ports.sentinels, *ports.typesense,
        *ports.typesense_peering, ports.temporal, ports.temporal_ui, ports.smtp,
        *ports.worker_metrics,
    ]  # fmt: skip
    assert len(everything) == len(set(everything))


def test_a_cluster_on_free_ports_takes_them_below_the_kernels_ephemeral_range():
    ports = ClusterPorts.free()
    everything = [
        ports.balancer, *ports.web, *ports.redis, *ports.sentinels, *ports.typesense,
        *ports.typesense_peering, ports.temporal, ports.temporal_ui, ports.smtp,
        *ports.worker_metrics,
    ]  # fmt: skip
    assert len(everything) == len(set(everything)) == 21
    assert all(20_000 <= port < 32_000 for port in everything)


def test_stack_down_stops_what_a_dead_cluster_left_running_and_nothing_else(tmp_path: Path):
    import json
    import os
    import subprocess

    from stack.cluster_state import stop_leftovers

    root = (tmp_path / "cluster").resolve()
    (root / "run").mkdir(parents=True)
    env = {**os.environ, "SHOPFLOW_VAR_DIR": str(root)}
    node = subprocess.Popen(["sleep", "300"], env=env, start_new_session=True)
    (root / "redis").mkdir()  # Redis retitles itself; it is found by its directory
    redis = subprocess.Popen(["sleep", "300"], cwd=root / "redis", start_new_session=True)
    stranger = subprocess.Popen(["sleep", "300"], start_new_session=True)  # pid listed, not ours
    dead_owner = subprocess.Popen(["true"])
    dead_owner.wait()
    nodes = [
        {"name": "web-1", "role": "web", "pid": node.pid, "port": 1, "state": "up"},
        {"name": "web-2", "role": "web", "pid": stranger.pid, "port": 2, "state": "up"},
        {"name": "redis-1", "role": "redis-primary", "pid": redis.pid, "port": 3, "state": "up"},
    ]
    (root / "run" / "cluster.json").write_text(
        json.dumps({"owner": dead_owner.pid, "nodes": nodes, "env": {}})
    )
    try:
        assert stop_leftovers(tmp_path) == ["web-1", "redis-1"]
        assert node.wait(timeout=10) is not None and redis.wait(timeout=10) is not None
        assert stranger.poll() is None
        assert not (root / "run" / "cluster.json").exists()
    finally:
        for proc in (node, redis, stranger):
            proc.kill()
            proc.wait()
