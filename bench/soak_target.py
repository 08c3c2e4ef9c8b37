"""What bench.cluster runs its soak against: a `Target` with a balancer URL, the
settings, the web instances' own URLs, and `kill(name)` / `restart(name)` of a node.

Two kinds:
- `cluster_target`: the local multi-node cluster (`stack.cluster.Cluster`, docs/scaling.md);
- `single_target`: one embedded stack with one gunicorn, one worker and one relay (what
  bench.checkout runs). Its "balancer" is gunicorn itself, so a kill there is an outage
  of that part: use it to try the workload, not to judge failover.

`victim(kind)` names the node of a kind to kill ("typesense", "web", "worker", "relay",
"redis"); the kill is SIGKILL by the node's own pid.
"""

from __future__ import annotations

import os
import signal
import subprocess
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import replace
from pathlib import Path
from typing import Protocol

import httpx
import psutil

from bench.common import bench_stack
from bench.procs import child_env
from settings import PROJECT_ROOT, Settings

KINDS = ("typesense", "web", "worker", "relay", "redis")

# The soak's shoppers, probe and viewers all come from one address: the per-address and
# per-user walls would measure themselves, not the store.
UNLIMITED = "1000000 per minute"
SOAK_OVERRIDES: dict[str, object] = {
    "login_limit_per_ip": UNLIMITED,
    "login_limit_per_account": UNLIMITED,
    "login_limit_per_account_address": UNLIMITED,
    "register_limit_per_ip": UNLIMITED,
    "begin_limit_per_user": UNLIMITED,
    "hold_limit_per_item": UNLIMITED,
    "payment_limit_per_checkout": UNLIMITED,
    "payment_limit_per_user": UNLIMITED,
    "shopper_write_limit_per_user": UNLIMITED,
    "sse_streams_per_address": 100_000,
    "sse_streams_per_user": 100_000,
}


def soak_settings(settings: Settings) -> Settings:
    return replace(settings, **SOAK_OVERRIDES)


class Target(Protocol):
    url: str  # the balancer
    settings: Settings

    def web_urls(self) -> list[str]: ...
    def victim(self, kind: str) -> str: ...
    def kill(self, name: str) -> int: ...
    def restart(self, name: str) -> int: ...


# --- one embedded stack -----------------------------------------------------------------


class _Child:
    """A store process of ours (gunicorn, worker, relay) that can be killed and started again."""

    def __init__(self, name: str, args: list[str], env: dict, log_dir: Path, ready) -> None:
        self.name, self._args, self._env, self._ready = name, args, env, ready
        self._log = log_dir / f"soak-{name}.log"
        self.proc: subprocess.Popen | None = None

    def start(self, timeout: float = 180) -> int:
        with open(self._log, "ab") as out:
            out.write(f"--- started {time.ctime()}\n".encode())
            offset = out.tell()
            self.proc = subprocess.Popen(
                self._args, cwd=PROJECT_ROOT, env=self._env, stdout=out, stderr=subprocess.STDOUT
            )
        deadline = time.monotonic() + timeout
        while not self._ready(self._log, offset):
            if self.proc.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"{self.name} did not start: {self._tail()}")
            time.sleep(0.2)
        return self.proc.pid

    def _tail(self) -> str:
        return self._log.read_text(errors="replace")[-2000:]

    def kill(self) -> int:
        assert self.proc is not None
        try:
            family = psutil.Process(self.proc.pid).children(recursive=True)
        except psutil.Error:
            family = []
        os.kill(self.proc.pid, signal.SIGKILL)
        self.proc.wait()
        # gunicorn's workers leave by themselves once their master is gone; the port is
        # free only then.
        psutil.wait_procs(family, timeout=30)
        return self.proc.pid

    def stop(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()


def _says(line: str):
    def ready(log: Path, offset: int) -> bool:
        with open(log, "rb") as f:
            f.seek(offset)
            return line.encode() in f.read()

    return ready


def _answers(url: str):
    def ready(log: Path, offset: int) -> bool:
        try:
            return httpx.get(url + "/livez", timeout=2).status_code == 200
        except httpx.HTTPError:
            return False

    return ready


class SingleStack:
    """One embedded stack; gunicorn (2 workers) stands in for the balancer."""

    def __init__(self, settings: Settings) -> None:
        from entrypoints.gunicorn import gunicorn_args, venv_bin
        from stack import EmbeddedStack

        self.settings = settings
        self.url = f"http://{settings.host}:{settings.port}"
        self._stack = EmbeddedStack(settings)
        env = child_env(settings)  # every setting, the soak's limits included
        web_env = {**env, "WEB_WORKERS": "2"}
        web_args = gunicorn_args(replace(settings, web_workers=2))
        var = Path(settings.var_dir)
        shopflow = venv_bin("shopflow")
        self._children = {
            "web-1": _Child("web-1", web_args, web_env, var, _answers(self.url)),
            "worker-1": _Child("worker-1", [shopflow, "worker"], env, var, _says("Worker polling")),
            "relay-1": _Child(
                "relay-1", [shopflow, "stock-relay"], env, var, _says("stock relay: active")
            ),
        }

    def start(self) -> None:
        for child in self._children.values():
            child.start()

    def stop(self) -> None:
        for child in self._children.values():
            child.stop()

    def web_urls(self) -> list[str]:
        return [self.url]

    def victim(self, kind: str) -> str:
        return {"web": "web-1", "worker": "worker-1", "relay": "relay-1"}.get(kind, kind)

    def kill(self, name: str) -> int:
        if name in self._children:
            return self._children[name].kill()
        pid = self._stack.service(name).running_pid()
        assert pid is not None, f"{name} is not running"
        os.kill(pid, signal.SIGKILL)
        psutil.wait_procs([psutil.Process(pid)], timeout=30)
        return pid

    def restart(self, name: str) -> int:
        if name in self._children:
            return self._children[name].start()
        return self._stack.restart(name)


@contextmanager
def single_target() -> Iterator[SingleStack]:
    with bench_stack() as settings:
        settings = soak_settings(settings)
        target = SingleStack(settings)
        try:
            target.start()
            yield target
        finally:
            target.stop()
