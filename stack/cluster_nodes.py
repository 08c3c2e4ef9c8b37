"""The nodes of the local cluster (stack/cluster.py): each one process with a name, a role
and a port, that can be killed by its own pid and started again.

Three kinds: a store process (web, worker, relay, the balancer) run from a command line;
an embedded server of stack/ (PostgreSQL, Temporal, mail, Typesense) wrapped around its
`Service`; a Redis or Sentinel process of a `SentinelGroup`.
"""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import threading
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass
from pathlib import Path

from . import process
from .errors import StackError
from .redis_sentinel import SentinelGroup
from .service import Service
from .typesense_cluster import LEADER_STATE, TypesenseCluster


@dataclass(frozen=True)
class NodeStatus:
    name: str
    role: str
    pid: int | None
    port: int | None  # the TCP port clients use; None for PostgreSQL's unix socket
    state: str  # "up" | "down"

    def as_json(self) -> dict:
        return asdict(self)


def kill_group(pid: int, sig: int = signal.SIGKILL) -> None:
    """Signal the process group `pid` leads (every node is started in a session of its own),
    so a gunicorn master's workers or PostgreSQL's backends go with it, as on a dead host."""
    try:
        os.killpg(pid, sig)
    except (ProcessLookupError, PermissionError):
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, sig)


class ProcessNode:
    """A store process (web instance, worker, relay, HAProxy) started from `argv`."""

    def __init__(
        self,
        name: str,
        role: str,
        port: int | None,
        argv: list[str],
        env: dict[str, str],
        log_dir: Path,
        *,
        ready: Callable[[ProcessNode], bool] = lambda node: True,
        cwd: Path | None = None,
    ) -> None:
        self.name = name
        self.role = role
        self.port = port
        self._argv = argv
        self._env = env
        self._cwd = cwd
        self._ready = ready
        self.log_path = log_dir / f"{name}.log"
        self.proc: subprocess.Popen | None = None

    @property
    def pid(self) -> int | None:
        return self.proc.pid if self.proc is not None else None

    def alive(self) -> bool:
        return self.proc is not None and self.proc.poll() is None

    def start(self) -> int:
        self.log_started = self.log_path.stat().st_size if self.log_path.exists() else 0
        self.proc = process.spawn(self._argv, log_path=self.log_path, cwd=self._cwd, env=self._env)
        return self.proc.pid

    def log_since_start(self) -> str:
        try:
            with open(self.log_path, "rb") as log:
                log.seek(getattr(self, "log_started", 0))
                return log.read().decode(errors="replace")
        except FileNotFoundError:
            return ""

    def wait_ready(self, timeout: float) -> None:
        deadline = time.monotonic() + timeout
        while not self._ready(self):
            if not self.alive():
                last = self.log_since_start().strip().splitlines()[-1:] or ["no output"]
                raise StackError(f"{self.name} exited during start-up: {last[0][:300]}")
            if time.monotonic() > deadline:
                raise StackError(f"{self.name} not ready within {timeout:.0f} s ({self.log_path})")
            time.sleep(0.2)

    def kill(self) -> int:
        pid = self.pid
        if pid is None or not self.alive():
            raise StackError(f"{self.name} is not running")
        kill_group(pid)
        self.proc.wait(timeout=10)
        return pid

    def restart(self, timeout: float = 120.0) -> int:
        if self.alive():
            return self.pid
        if self.pid is not None:
            kill_group(self.pid)  # what a killed master may have left (orphaned workers)
        self.start()
        self.wait_ready(timeout)
        return self.pid

    def stop(self, grace: float = 15.0) -> None:
        if not self.alive():
            return
        kill_group(self.pid, signal.SIGTERM)
        try:
            self.proc.wait(timeout=grace)
        except subprocess.TimeoutExpired:
            kill_group(self.pid)
            self.proc.wait(timeout=10)


class ServiceNode:
    """An embedded server of stack/ (its pid file, start-up and probes are the Service's)."""

    def __init__(self, name: str, role: str, service: Service, port: int | None) -> None:
        self.name = name
        self.role = role
        self.port = port
        self.service = service

    @property
    def pid(self) -> int | None:
        return self.service.running_pid()

    def alive(self) -> bool:
        return self.pid is not None

    def start(self, timeout: float = 180.0) -> int:
        service = self.service
        process.remove_file(service.pid_path)
        service.clear_stale_state()
        service.check_ports_free()
        service.prepare()
        pid = service.start()
        service.wait_healthy(pid, timeout)
        return pid

    def kill(self) -> int:
        pid = self.pid
        if pid is None:
            raise StackError(f"{self.name} is not running")
        kill_group(pid)
        process.wait_gone(pid, 10)
        return pid

    def restart(self, timeout: float = 180.0) -> int:
        pid = self.pid
        return pid if pid is not None else self.start(timeout)

    def stop(self) -> None:
        pid = self.pid
        if pid is not None:
            self.service.stop(pid)


class RedisNode:
    """One process of the Sentinel group: `key` is its name there ("primary", "sentinel-1")."""

    def __init__(self, name: str, group: SentinelGroup, key: str) -> None:
        self.name = name
        self.group = group
        self.key = key

    @property
    def _node(self):
        return self.group.nodes[self.key]

    @property
    def port(self) -> int:
        return self._node.port

    @property
    def pid(self) -> int | None:
        proc = self._node.process
        return proc.pid if proc is not None else None

    @property
    def role(self) -> str:
        if self.key.startswith("sentinel"):
            return "redis-sentinel"
        # Roles move on a failover: ask the Sentinels who the primary is now.
        return "redis-primary" if self.group.primary_port() == self.port else "redis-replica"

    def alive(self) -> bool:
        return self._node.alive

    def kill(self) -> int:
        pid = self.pid
        if not self.alive():
            raise StackError(f"{self.name} is not running")
        self.group.kill(self.key)
        return pid

    def restart(self, timeout: float = 60.0) -> int:  # noqa: ARG002 - it answers at once
        if not self.alive():
            self.group.restart(self.key)
        return self.pid

    def stop(self) -> None:
        self.group.stop_node(self.key)


class TypesenseClusterNode:
    """One node of the Typesense Raft cluster (stack/typesense_cluster.py)."""

    def __init__(self, name: str, cluster: TypesenseCluster) -> None:
        self.name = name
        self.cluster = cluster

    @property
    def _node(self):
        return self.cluster.node(self.name)

    @property
    def port(self) -> int:
        return self._node.api_port

    @property
    def pid(self) -> int | None:
        return self._node.pid

    @property
    def role(self) -> str:
        # The leader moves when it dies: ask the node what it is now.
        leads = self.alive() and self.cluster.raft_state(self._node) == LEADER_STATE
        return "typesense-leader" if leads else "typesense"

    def alive(self) -> bool:
        return self._node.alive()

    def kill(self) -> int:
        pid = self.pid
        if not self.alive():
            raise StackError(f"{self.name} is not running")
        self.cluster.kill(self.name)
        return pid

    def restart(self, timeout: float = 120.0) -> int:  # noqa: ARG002 - the cluster's own
        return self.pid if self.alive() else self.cluster.restart(self.name)

    def stop(self) -> None:
        pass  # the cluster stops its nodes together (TypesenseCluster.stop)


def start_all(starts: list[Callable[[], object]], what: str) -> None:
    """Run the start-ups at once (the box is slow; most time is each server waiting for
    itself) and raise the first failure after all have finished."""
    errors: list[BaseException] = []

    def run(start: Callable[[], object]) -> None:
        try:
            start()
        except BaseException as error:  # noqa: BLE001 - reported below
            errors.append(error)

    threads = [threading.Thread(target=run, args=(s,), name=f"cluster-{what}") for s in starts]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    if errors:
        error = errors[0]
        raise error if isinstance(error, StackError) else StackError(f"{what}: {error}")
