"""What the local cluster's own process leaves for others: the nodes for `shopflow stack
status`, the variables for `shopflow stack env`, and the pids `shopflow stack down` needs
when that process died without stopping its nodes (docs/scaling.md, "The local cluster")."""

from __future__ import annotations

import json
import os
import signal
from pathlib import Path

from settings import Settings

from . import process
from .cluster_nodes import NodeStatus, kill_group

# What `shopflow stack env` prints while the cluster runs. Not SHOPFLOW_VAR_DIR (the
# cluster's is var/cluster/): `shopflow stack status` in that shell still finds it.
ENV_NAMES = (
    "SHOPFLOW_ENV", "DATABASE_URL", "REDIS_URL", "REDIS_SENTINELS",
    "REDIS_SENTINEL_MASTER", "TYPESENSE_URL", "TYPESENSE_NODES", "TYPESENSE_API_KEY",
    "TEMPORAL_ADDRESS", "TEMPORAL_NAMESPACE", "SMTP_URL", "PUBLIC_URL", "SECRET_KEY",
    "PAYLOAD_ENCRYPTION_KEYS", "VAULT_KEYS",
)  # fmt: skip
# The state file other processes read (`shopflow stack status --json`).
STATE_FILE = "cluster.json"


def write_state(run_dir: Path, nodes: list[NodeStatus], settings: Settings) -> None:
    """Written by the cluster's process at each change; 0600, since it holds the keys."""
    everything = settings.service_env()
    state = {
        "owner": os.getpid(),
        "nodes": [status.as_json() for status in nodes],
        "env": {name: everything[name] for name in ENV_NAMES if name in everything},
    }
    path = run_dir / STATE_FILE
    tmp = path.with_suffix(".tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w") as out:
        json.dump(state, out, indent=1)
    tmp.replace(path)


def _read_state(var_dir: Path) -> dict | None:
    path = Path(var_dir) / "cluster" / "run" / STATE_FILE
    try:
        state = json.loads(path.read_text())
    except (FileNotFoundError, ValueError):
        return None
    return state if process.pid_alive(state["owner"]) else None


def read_state(var_dir: Path) -> list[dict] | None:
    """The cluster's nodes, each with its state now; None when no cluster runs there."""
    state = _read_state(var_dir)
    if state is None:
        return None
    for node in state["nodes"]:
        pid = node["pid"]
        node["state"] = "up" if pid is not None and process.pid_alive(pid) else "down"
    return state["nodes"]


def read_env(var_dir: Path) -> dict[str, str] | None:
    """The variables that point a process at the running cluster (None: none runs)."""
    state = _read_state(var_dir)
    return None if state is None else state["env"]


def stop_leftovers(var_dir: Path) -> list[str]:
    """Stop the nodes a cluster left running when its own process died without stopping
    them (SIGKILL, a closed terminal): each node runs in a session of its own. A pid is
    only signalled while it is still one of that cluster's processes (its command line,
    working directory or SHOPFLOW_VAR_DIR names the cluster's directory), never a
    recycled one. Returns
    the names stopped; none while the cluster's process is alive."""
    import psutil

    root = str((Path(var_dir) / "cluster").resolve())
    path = Path(root) / "run" / STATE_FILE
    try:
        state = json.loads(path.read_text())
    except (FileNotFoundError, ValueError):
        return []
    if process.pid_alive(state["owner"]):
        return []

    def ours(pid: int) -> bool:
        try:
            proc = psutil.Process(pid)
            if root in " ".join(proc.cmdline()) or proc.cwd().startswith(root):
                return True  # Redis retitles itself, but works in its `dir` under root
            return proc.environ().get("SHOPFLOW_VAR_DIR") == root
        except psutil.Error:
            return False

    leftovers = [(n["name"], n["pid"]) for n in state["nodes"] if n["pid"] and ours(n["pid"])]
    for _name, pid in leftovers:
        kill_group(pid, signal.SIGTERM)
    for _name, pid in leftovers:
        if not process.wait_gone(pid, 20):
            kill_group(pid)
    process.remove_file(path)
    return [name for name, _pid in leftovers]
