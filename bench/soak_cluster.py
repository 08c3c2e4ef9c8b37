"""bench.cluster's target on the local cluster (stack/cluster.py): a fresh one on free
ports in a temporary folder, so the soak runs beside a store that is already up."""

from __future__ import annotations

import importlib
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

from bench.soak_target import soak_settings

if TYPE_CHECKING:
    from stack.cluster import Cluster

# Which node of a kind is killed. Typesense: not the first node, which the store's
# settings list first, so failover is what keeps search up.
VICTIMS = {"typesense": "typesense-2", "web": "web-1", "worker": "worker-checkout-1"}


class ClusterTarget:
    def __init__(self, cluster: Cluster) -> None:
        self._cluster = cluster
        self.url = cluster.balancer_url
        self.settings = cluster.settings

    def web_urls(self) -> list[str]:
        """The web instances' own addresses (not the balancer), those running now."""
        return [
            f"http://127.0.0.1:{node.port}"
            for node in self._cluster.nodes()
            if node.role == "web" and node.pid is not None
        ]

    def victim(self, kind: str) -> str:
        if kind == "relay":
            return self._cluster.active_relay()
        if kind == "redis":
            return "redis-primary"
        return VICTIMS[kind]

    def kill(self, name: str) -> int:
        return self._cluster.kill(name)

    def restart(self, name: str) -> int:
        return self._cluster.restart(name)


@contextmanager
def cluster_target() -> Iterator[ClusterTarget]:
    from db.postgres.migrate import upgrade
    from stack.ports import settings_on_free_ports

    # Imported by name: until stack/cluster.py is merged, bench.cluster never gets here.
    cluster_class = importlib.import_module("stack.cluster").Cluster

    with tempfile.TemporaryDirectory(prefix="shopflow-soak-") as tmp:
        base = settings_on_free_ports(Path(tmp), secret_key="bench-secret", environment="dev")
        cluster = cluster_class(Path(tmp), soak_settings(base))
        cluster.start()
        try:
            assert cluster.settings.database_url is not None
            upgrade(cluster.settings.database_url)
            yield ClusterTarget(cluster)
        finally:
            cluster.stop()
