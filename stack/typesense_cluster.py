"""Several Typesense nodes in one Raft cluster on loopback, from the same 0.24.1 binary
the single-node stack runs (stack/typesense_server.py): the topology in which search
survives a dead node (docs/scaling.md, "Search on a Typesense cluster").

Each node is a real process with its own pid, config, nodes file and data directory
under `base_dir`; a kill is a SIGKILL of that pid (a crash, not a shutdown), and a
restart reuses the data directory so the node rejoins and catches up from the leader.
"""

from __future__ import annotations

import json
import os
import signal
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path

from settings import inherited_env

from . import process
from .ports import LOOPBACK, free_ports
from .typesense_server import typesense_binary

# Raft states as /debug reports them (braft's enum): 1 leader, 4 follower.
LEADER_STATE = 1
FOLLOWER_STATE = 4
# A cluster forms in a few seconds, but 2 cores shared by many sessions can stretch that.
START_TIMEOUT_SECONDS = 120.0
PROGRAM_NAMES = ("typesense-server",)


@dataclass
class TypesenseNode:
    name: str
    api_port: int
    peering_port: int
    data_dir: Path
    pid: int | None = None

    def url(self) -> str:
        return f"http://{LOOPBACK}:{self.api_port}"

    def alive(self) -> bool:
        return self.pid is not None and process.process_is(self.pid, PROGRAM_NAMES)

    @property
    def peer(self) -> str:
        """This node's entry in the nodes file: peering ip:peering port:api port."""
        return f"{LOOPBACK}:{self.peering_port}:{self.api_port}"


class TypesenseCluster:
    def __init__(
        self,
        base_dir: Path,
        api_key: str,
        *,
        nodes: int = 3,
        ports: list[tuple[int, int]] | None = None,
    ) -> None:
        """`ports`: one (api port, peering port) pair per node; free loopback ports if None."""
        if ports is None:
            flat = free_ports(2 * nodes)
            ports = [(flat[2 * i], flat[2 * i + 1]) for i in range(nodes)]
        if len(ports) != nodes:
            raise ValueError(f"{nodes} nodes need {nodes} port pairs, got {len(ports)}")
        self.base_dir = Path(base_dir).resolve()
        self.api_key = api_key
        self.nodes: list[TypesenseNode] = [
            TypesenseNode(f"typesense-{i + 1}", api, peering, self.base_dir / f"typesense-{i + 1}")
            for i, (api, peering) in enumerate(ports)
        ]

    # -- the public verbs ------------------------------------------------------------------
    def node_list(self) -> str:
        """The TYPESENSE_NODES value: every node's API address, comma-separated."""
        return ",".join(f"{LOOPBACK}:{node.api_port}" for node in self.nodes)

    def node(self, name: str) -> TypesenseNode:
        for node in self.nodes:
            if node.name == name:
                return node
        raise KeyError(f"no Typesense node named {name!r} (have {[n.name for n in self.nodes]})")

    def start(self) -> TypesenseCluster:
        """Start every node; returns once a leader is elected and every node is healthy."""
        self.base_dir.mkdir(parents=True, exist_ok=True)
        typesense_binary()
        self._write_config()
        for node in self.nodes:
            self._launch(node)
        try:
            self._wait(lambda: self._leader() is not None and all(map(self.healthy, self.nodes)))
        except BaseException:
            self.stop()
            raise
        return self

    def kill(self, name: str) -> None:
        """SIGKILL that node's own pid and reap it."""
        node = self.node(name)
        if node.pid is not None and node.alive():
            os.kill(node.pid, signal.SIGKILL)
            process.wait_gone(node.pid, 10)

    def restart(self, name: str) -> int:
        """Start a (killed) node again on its data dir; returns its pid once it has
        rejoined: healthy, and the cluster has a leader."""
        node = self.node(name)
        if node.alive():
            raise RuntimeError(f"{name} is still running (pid {node.pid})")
        self._launch(node)
        self._wait(lambda: self.healthy(node) and self._leader() is not None)
        return node.pid  # type: ignore[return-value]

    def stop(self) -> None:
        live = [node for node in self.nodes if node.alive()]
        for node in live:
            os.kill(node.pid, signal.SIGTERM)  # type: ignore[arg-type]
        for node in live:
            if not process.wait_gone(node.pid, 30):  # type: ignore[arg-type]
                os.kill(node.pid, signal.SIGKILL)  # type: ignore[arg-type]
                process.wait_gone(node.pid, 10)  # type: ignore[arg-type]

    # -- probes ----------------------------------------------------------------------------
    def healthy(self, node: TypesenseNode) -> bool:
        """/health says ok (it answers 503 {"ok": false} while loading or without quorum)."""
        answer = self._get(node, "/health")
        return answer is not None and answer.get("ok") is True

    def raft_state(self, node: TypesenseNode) -> int | None:
        answer = self._get(node, "/debug")
        return None if answer is None else answer.get("state")

    def leader(self) -> TypesenseNode | None:
        return self._leader()

    # -- set-up ----------------------------------------------------------------------------
    @property
    def nodes_file(self) -> Path:
        return self.base_dir / "nodes"

    def _write_config(self) -> None:
        self.nodes_file.write_text(",".join(node.peer for node in self.nodes) + "\n")
        for node in self.nodes:
            node.data_dir.mkdir(parents=True, exist_ok=True)
            # The key goes in a 0600 file, not on the command line, where `ps` shows it.
            fd = os.open(self._config(node), os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
            with os.fdopen(fd, "w") as config:
                config.write(f"[server]\napi-key = {self.api_key}\n")

    def log_path(self, node: TypesenseNode) -> Path:
        return self.base_dir / f"{node.name}.log"

    def pid_path(self, node: TypesenseNode) -> Path:
        return self.base_dir / f"{node.name}.pid"

    def _config(self, node: TypesenseNode) -> Path:
        return self.base_dir / f"{node.name}.ini"

    def _launch(self, node: TypesenseNode) -> None:
        command = [
            str(typesense_binary()),
            "--config", str(self._config(node)),
            "--data-dir", str(node.data_dir),
            "--nodes", str(self.nodes_file),
            "--api-address", LOOPBACK,
            "--api-port", str(node.api_port),
            "--peering-address", LOOPBACK,
            "--peering-port", str(node.peering_port),
        ]  # fmt: skip
        # The binary reads TYPESENSE_* variables as flags: only our command line counts.
        env = {k: v for k, v in inherited_env().items() if not k.startswith("TYPESENSE_")}
        proc = process.spawn(command, log_path=self.log_path(node), cwd=self.base_dir, env=env)
        node.pid = proc.pid
        # For `status` from another process (what this object knows dies with it).
        process.write_pid_file(self.pid_path(node), proc.pid)

    def _leader(self) -> TypesenseNode | None:
        for node in self.nodes:
            if node.alive() and self.raft_state(node) == LEADER_STATE:
                return node
        return None

    def _get(self, node: TypesenseNode, path: str) -> dict | None:
        request = urllib.request.Request(
            node.url() + path, headers={"X-TYPESENSE-API-KEY": self.api_key}
        )
        try:
            with urllib.request.urlopen(request, timeout=2) as resp:
                return json.loads(resp.read())
        except urllib.error.HTTPError as exc:
            try:
                return json.loads(exc.read())
            except ValueError:
                return None
        except (OSError, ValueError):
            return None

    def _wait(self, ready, seconds: float = START_TIMEOUT_SECONDS) -> None:
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            if ready():
                return
            time.sleep(0.2)
        states = {n.name: (n.alive(), self.raft_state(n)) for n in self.nodes}
        raise RuntimeError(
            f"the Typesense cluster did not become ready in {seconds:.0f} s "
            f"(alive, raft state per node: {states}; logs in {self.base_dir})"
        )
