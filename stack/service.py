"""What every embedded server shares: locating binaries, starting, probing, stopping."""

from __future__ import annotations

import importlib.util
import os
import shutil
import signal
import sys
import threading
import time
from pathlib import Path

from settings import Settings, inherited_env

from . import process
from .errors import StackError
from .ports import LOOPBACK, port_in_use


class Aborted(Exception):
    """up() was cancelled (another service failed, or Ctrl-C) while this one was starting."""


def display_path(path: Path) -> str:
    """`var/logs/redis.log` when under the current directory, else the absolute path."""
    try:
        return str(path.resolve().relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(path)


def _package_dir(name: str) -> Path | None:
    spec = importlib.util.find_spec(name)  # does not import the package
    if spec is None or not spec.submodule_search_locations:
        return None
    return Path(next(iter(spec.submodule_search_locations)))


def _venv_bin(program: str) -> str | None:
    """A console script installed next to this interpreter, else on PATH."""
    candidate = Path(sys.executable).parent / program
    if candidate.is_file() and os.access(candidate, os.X_OK):
        return str(candidate)
    return shutil.which(program)


class Service:
    """One embedded server. Subclasses fill in the specifics."""

    name: str = ""
    program_names: tuple[str, ...] = ()
    stop_signal: int = signal.SIGTERM
    stop_grace: float = 30.0
    stop_escalation: tuple[tuple[int, float], ...] = ((signal.SIGKILL, 5.0),)
    poll_interval: float = 0.1

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.var_dir = Path(settings.var_dir)

    # -- where things live ---------------------------------------------------------------
    @property
    def log_path(self) -> Path:
        return self.var_dir / "logs" / f"{self.name}.log"

    @property
    def pid_path(self) -> Path:
        return self.var_dir / "run" / f"{self.name}.pid"

    @property
    def log_hint(self) -> str:
        return f"(log: {display_path(self.log_path)})"

    # -- configuration -------------------------------------------------------------------
    @property
    def external_url(self) -> str | None:
        """The URL of an external server to use instead, from settings (None = embedded)."""
        raise NotImplementedError

    @property
    def ports(self) -> list[int]:
        """TCP ports on 127.0.0.1 the server will listen on (must be free before a start)."""
        return []

    @property
    def location(self) -> str:
        raise NotImplementedError

    def url(self) -> str:
        """Where clients reach the embedded server."""
        raise NotImplementedError

    # -- lifecycle -----------------------------------------------------------------------
    def command(self) -> list[str]:
        raise NotImplementedError

    def prepare(self) -> None:
        """Create directories and config before a start (may be slow on the first start)."""

    # Environment variables the server would read as its own configuration; dropped from
    # its environment so only our command line configures it.
    env_prefixes: tuple[str, ...] = ()

    def child_env(self) -> dict[str, str]:
        drop = self.env_prefixes
        return {k: v for k, v in inherited_env().items() if not (drop and k.startswith(drop))}

    def spawn_kwargs(self) -> dict:
        return {"env": self.child_env()}

    def healthy(self) -> bool:
        raise NotImplementedError

    def clear_stale_state(self) -> None:
        """Remove leftovers of a server that died without cleaning up."""

    def running_pid(self) -> int | None:
        """The pid of our live server process, per the pid file, else None."""
        pid = process.read_pid_file(self.pid_path)
        if pid is not None and process.process_is(pid, self.program_names):
            return pid
        return None

    def error(self, what: str) -> StackError:
        return StackError(f"{self.name}: {what} {self.log_hint}")

    def check_ports_free(self) -> None:
        for port in self.ports:
            if port_in_use(LOOPBACK, port):
                raise self.error(f"port {port} on {LOOPBACK} is already in use")

    def start(self) -> int:
        proc = process.spawn(
            self.command(), log_path=self.log_path, cwd=self.var_dir, **self.spawn_kwargs()
        )
        process.write_pid_file(self.pid_path, proc.pid)
        return proc.pid

    def wait_healthy(self, pid: int, timeout: float, abort: threading.Event | None = None) -> None:
        deadline = time.monotonic() + timeout
        while True:
            if abort is not None and abort.is_set():
                raise Aborted(self.name)
            if not process.pid_alive(pid):
                code = process.exit_code(pid)
                how = f"exited with code {code}" if code is not None else "exited"
                last = self.last_log_line()
                detail = f": {last}" if last else ""
                raise self.error(f"{how} during start-up{detail}")
            try:
                if self.healthy():
                    return
            except Exception:  # a probe that blows up just means "not yet"
                pass
            if time.monotonic() >= deadline:
                raise self.error(
                    f"pid {pid} did not become healthy on {self.location} within {timeout:.0f} s"
                )
            time.sleep(self.poll_interval)

    def stop(self, pid: int) -> bool:
        gone = process.stop_process(
            pid, first_signal=self.stop_signal, grace=self.stop_grace, then=self.stop_escalation
        )
        if gone:
            process.remove_file(self.pid_path)
        return gone

    def last_log_line(self) -> str:
        for line in reversed(process.tail(self.log_path)):
            if not line.startswith("==="):
                return line[:200]
        return ""


# ----------------------------------------------------------------------------------------
# PostgreSQL (pgserver's binaries)
# ----------------------------------------------------------------------------------------
