"""bench.cluster's target on the local cluster (stack/cluster.py): a fresh one on free
ports in a temporary folder, so the soak runs beside a store that is already up."""

from __future__ import annotations

import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from bench.common import log
from bench.soak_target import soak_settings
from stack.cluster import Cluster

VICTIMS = {"web": "web-1", "worker": "worker-checkout-1", "relay": "relay-1"}


class ClusterTarget:
    def __init__(self, cluster: Cluster) -> None:
        self._cluster = cluster
        self.url = cluster.balancer_url
        self.settings = cluster.settings

    def web_urls(self) -> list[str]:
        """The web instances' own addresses (not the balancer), those up now."""
        return [
            f"http://127.0.0.1:{node.port}"
            for node in self._cluster.nodes()
            if node.role == "web" and node.state == "up"
        ]

    def victim(self, kind: str) -> str:
        """The node of `kind` to kill, by its own name: the restart must start that very
        process again, wherever the role has moved meanwhile."""
        nodes = self._cluster.nodes()
        if kind == "redis":
            return next(n.name for n in nodes if n.role == "redis-primary")
        if kind == "typesense":
            return self._typesense_victim(nodes)
        if kind == "relay":
            return self._cluster.active_relay() or VICTIMS[kind]
        return VICTIMS[kind]

    def _typesense_victim(self, nodes) -> str:
        """The Raft leader, unless the store searches one node only (TYPESENSE_NODES
        unset): then a node it does not search, so the kill tests the Raft cluster and
        not the absence of failover."""
        settings = self._cluster.settings
        ours = list(settings.typesense_nodes) or [settings.typesense_url or ""]
        typesense = [n for n in nodes if n.role.startswith("typesense")]
        if len(ours) == 1:
            typesense = [n for n in typesense if f":{n.port}" not in ours[0]] or typesense
        leaders = [n for n in typesense if n.role == "typesense-leader"]
        chosen = (leaders or typesense)[0]
        log(f"Typesense: killing {chosen.name} ({chosen.role}); the store searches {ours}")
        return chosen.name

    def kill(self, name: str) -> int:
        return self._cluster.kill(name)

    def restart(self, name: str) -> int:
        return self._cluster.restart(name)


@contextmanager
def cluster_target() -> Iterator[ClusterTarget]:
    from stack.ports import settings_on_free_ports

    with tempfile.TemporaryDirectory(prefix="shopflow-soak-") as tmp:
        base = settings_on_free_ports(Path(tmp), secret_key="bench-secret", environment="dev")
        cluster = Cluster(Path(tmp), soak_settings(base))
        cluster.start()
        try:
            yield ClusterTarget(cluster)
        finally:
            cluster.stop()
