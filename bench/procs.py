"""Processes a benchmark starts next to the stack, and where the CPU went during a run.

`background(...)` runs a long-lived child (the Temporal worker, the baseline's worker)
with its output in a log file and waits for its ready line. `CpuMeter` snapshots the CPU
seconds of every process of the run, grouped by role (postgres, temporal, gunicorn,
worker, ...), so a phase can report which one the time went to.
"""

from __future__ import annotations

import os
import subprocess
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import psutil

from settings import PROJECT_ROOT, Settings


@contextmanager
def background(
    name: str, args: list[str], env: dict[str, str], log_dir: Path, ready: str, timeout: float = 60
) -> Iterator[subprocess.Popen]:
    """Run `args` until the block ends (SIGTERM, then SIGKILL); wait for `ready` in its output."""
    log_path = log_dir / f"{name}.log"
    with open(log_path, "wb") as out:
        proc = subprocess.Popen(
            args, cwd=PROJECT_ROOT, env=env, stdout=out, stderr=subprocess.STDOUT
        )
    try:
        deadline = time.monotonic() + timeout
        while ready not in log_path.read_text(errors="replace"):
            if proc.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(
                    f"{name} did not start; last output:\n"
                    + log_path.read_text(errors="replace")[-3000:]
                )
            time.sleep(0.1)
        yield proc
    finally:
        if proc.poll() is None:
            proc.terminate()
            try:
                proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()


def child_env(settings: Settings) -> dict[str, str]:
    """The stack's environment for a child process, this checkout first on its path.

    The worker is a console script: it imports the project through the editable
    install, which only maps the packages pyproject.toml lists. Putting the checkout
    on the path keeps the benchmark independent of that list being up to date.
    """
    env = settings.child_env()
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(PROJECT_ROOT), env.get("PYTHONPATH")]))
    return env


def store_worker(settings: Settings, env: dict[str, str], threads: int, name: str = "bench-worker"):
    """`shopflow worker` as `shopflow run` starts it, until the block ends."""
    from entrypoints.gunicorn import venv_bin

    return background(
        name,
        [venv_bin("shopflow"), "worker", "--threads", str(threads)],
        env,
        settings.var_dir,
        "Worker polling",
    )


def _total(cpu) -> float:
    return cpu.user + cpu.system + cpu.children_user + cpu.children_system


def _classify(proc: psutil.Process) -> str | None:
    cmd = " ".join(proc.cmdline())
    if "bench.trivial_workflow" in cmd:
        return "trivial_worker"
    if "gunicorn" in cmd:
        return "gunicorn"
    if "stock-relay" in cmd:
        return "stock_relay"
    if "bench.live_clients" in cmd:
        return "sse_clients"
    if "shopflow worker" in cmd or cmd.endswith("/shopflow worker") or " worker --threads" in cmd:
        return "worker"
    if "haproxy" in cmd:
        return "balancer"
    if "typesense" in cmd:
        return "typesense"
    if "redis-server" in cmd:
        return "redis"
    if "temporal" in cmd and "server" in cmd:
        return "temporal"
    if "postgres" in cmd:
        return "postgres"
    return None


class CpuMeter:
    """CPU seconds per role over a phase: `start()`, run the phase, `stop()` → {role: s}.

    Roles are found from the stack's pid files (and their process trees, e.g. every
    PostgreSQL backend) and from this process's children. A process that exits during
    the phase still counts: its time moves into its parent's reaped-children counters.
    `machine_busy` is all CPU time spent on the box (so `other` shows load from
    processes that are not this run's, e.g. another test session).
    """

    def __init__(self, settings: Settings) -> None:
        self._settings = settings
        self._before: dict[int, tuple[str, float]] = {}
        self._machine_before = None

    def _roots(self) -> list[tuple[str | None, psutil.Process]]:
        from stack import EmbeddedStack

        roots: list[tuple[str | None, psutil.Process]] = []
        for service in EmbeddedStack(self._settings).services:
            pid = service.running_pid()
            if pid is not None:
                try:
                    roots.append((service.name, psutil.Process(pid)))
                except psutil.Error:
                    pass
        me = psutil.Process()
        roots += [(None, child) for child in me.children()]
        return roots

    def _snapshot(self) -> dict[int, tuple[str, float]]:
        seen: dict[int, tuple[str, float]] = {}
        for role, root in self._roots():
            try:
                tree = [root, *root.children(recursive=True)]
                role = role or _classify(root)
            except psutil.Error:  # gone, or a zombie not yet reaped
                continue
            if role is None:
                continue
            for proc in tree:
                try:
                    seen.setdefault(proc.pid, (role, _total(proc.cpu_times())))
                except psutil.Error:
                    pass
        me = psutil.Process()
        own = me.cpu_times()
        seen[me.pid] = ("bench_client", own.user + own.system)  # not our children's time
        return seen

    def start(self) -> None:
        self._before = self._snapshot()
        self._machine_before = psutil.cpu_times()
        self._started = time.perf_counter()

    def stop(self) -> dict[str, float]:
        after = self._snapshot()
        machine_after = psutil.cpu_times()
        wall = time.perf_counter() - self._started
        by_role: dict[str, float] = {}
        for pid, (role, value) in after.items():
            before = self._before.get(pid, (role, 0.0))[1]
            by_role[role] = by_role.get(role, 0.0) + value - before
        for pid, (role, value) in self._before.items():
            if pid not in after:  # exited: its whole life is now in its parent's counters
                by_role[role] = by_role.get(role, 0.0) - value
        busy = _busy(machine_after) - _busy(self._machine_before)
        result = {role: round(max(0.0, s), 3) for role, s in sorted(by_role.items())}
        result["other"] = round(max(0.0, busy - sum(result.values())), 3)
        result["machine_busy"] = round(busy, 3)
        result["machine_capacity"] = round(wall * (os.cpu_count() or 1), 1)
        return result


def _busy(times) -> float:
    return (
        times.user
        + times.nice
        + times.system
        + getattr(times, "irq", 0)
        + getattr(times, "softirq", 0)
        + getattr(times, "steal", 0)
    )
