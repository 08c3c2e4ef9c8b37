"""Three Typesense nodes in one Raft cluster (stack/typesense_cluster.py): what one node
is told, every node knows; with one node killed by its pid the other two still take
writes and answer reads (a quorum of 2 of 3); the killed node restarts on its own data
and catches up (docs/scaling.md, "Search on a Typesense cluster")."""

from __future__ import annotations

import secrets
import time

import pytest
import typesense
from typesense import exceptions as ts_errors

from stack.process import read_pid_file
from stack.typesense_cluster import TypesenseCluster

CATCH_UP_SECONDS = 60  # a re-election after a killed leader, then log replay, on a busy box


def _client(cluster: TypesenseCluster, *names: str) -> typesense.Client:
    nodes = [cluster.node(name) for name in names]
    return typesense.Client(
        {
            "nodes": [
                {"host": "127.0.0.1", "port": node.api_port, "protocol": "http"} for node in nodes
            ],
            "api_key": cluster.api_key,
            "connection_timeout_seconds": 5,
            "num_retries": 0,
        }
    )


def _until(attempt, seconds: float, what: str):
    """attempt()'s first truthy answer (errors count as no), else AssertionError."""
    deadline = time.monotonic() + seconds
    last: object = None
    while time.monotonic() < deadline:
        try:
            last = attempt()
            if last:
                return last
            time.sleep(0.3)
        except (ts_errors.TypesenseClientError, OSError, AssertionError) as exc:
            last = exc
            time.sleep(0.3)
    raise AssertionError(f"{what} within {seconds} s (last: {last!r})")


@pytest.fixture
def cluster(tmp_path):
    cluster = TypesenseCluster(tmp_path / "ts", secrets.token_urlsafe(24)).start()
    yield cluster
    cluster.stop()


SCHEMA = {
    "name": "notes",
    "fields": [{"name": "text", "type": "string"}],
}


def _texts(client: typesense.Client) -> set[str]:
    found = client.collections["notes"].documents.search({"q": "*", "query_by": "text"})
    return {hit["document"]["text"] for hit in found["hits"]}


@pytest.mark.integration
def test_a_cluster_keeps_its_data_through_a_killed_node_and_the_node_catches_up(cluster):
    assert cluster.node_list() == ",".join(f"127.0.0.1:{n.api_port}" for n in cluster.nodes)
    assert all(node.alive() for node in cluster.nodes)
    assert len({node.pid for node in cluster.nodes}) == 3
    assert [read_pid_file(cluster.pid_path(n)) for n in cluster.nodes] == [
        n.pid for n in cluster.nodes
    ]

    first, second, third = (node.name for node in cluster.nodes)
    _client(cluster, first).collections.create(SCHEMA)
    _client(cluster, first).collections["notes"].documents.create({"id": "1", "text": "apple"})
    assert _until(lambda: _texts(_client(cluster, second)) == {"apple"}, 30, "replicated")

    # Kill the leader: the worst case, the other two must elect a new one to take writes.
    victim = cluster.leader()
    assert victim is not None
    cluster.kill(victim.name)
    assert not victim.alive()
    survivors = [node.name for node in cluster.nodes if node.name != victim.name]

    _until(
        lambda: (
            _client(cluster, survivors[0])
            .collections["notes"]
            .documents.upsert({"id": "2", "text": "banana"})
        ),
        CATCH_UP_SECONDS,
        "a write through a survivor",
    )
    for name in survivors:
        assert _until(
            lambda name=name: _texts(_client(cluster, name)) == {"apple", "banana"},
            CATCH_UP_SECONDS,
            f"both documents readable on {name}",
        )

    old_pid = victim.pid
    pid = cluster.restart(victim.name)
    assert pid != old_pid and victim.alive()
    assert read_pid_file(cluster.pid_path(victim)) == pid
    assert _until(
        lambda: _texts(_client(cluster, victim.name)) == {"apple", "banana"},
        CATCH_UP_SECONDS,
        "the restarted node caught up",
    )
    assert {first, second, third} == {node.name for node in cluster.nodes}
