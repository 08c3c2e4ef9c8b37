"""What keeps `shopflow run` up: a process that exits is started again.

Each watched process (an embedded server, the worker, gunicorn) that is found dead is
restarted after a back-off (0.5 s, doubling to 10 s while restarts keep failing), and
every step is logged. A process that dies `max_per_minute` times within a minute is
given up on: `GaveUp` is raised and `shopflow run` stops the store, since something is
wrong that restarting will not fix (a full disk, a port taken by someone else).

The worker and web need no restart when a server comes back: their clients reconnect
by themselves (SQLAlchemy's pool pre-ping, redis-py, the Temporal client's channel).
"""

from __future__ import annotations

import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol

import click

WINDOW = 60.0  # seconds: the "a minute" of max_per_minute


class Watched(Protocol):
    name: str

    def alive(self) -> bool: ...

    def restart(self) -> int:
        """Start the process again and return its pid (raise when that fails)."""
        ...


class GaveUp(RuntimeError):
    """A process kept dying; the message says which and how often."""


@dataclass(frozen=True)
class RestartPolicy:
    max_per_minute: int = 5
    first_delay: float = 0.5
    max_delay: float = 10.0


@dataclass
class _Track:
    delay: float
    due: float | None = None  # when the pending restart may run; None = nothing pending
    attempts: deque[float] = field(default_factory=deque)


class Supervisor:
    def __init__(
        self,
        watched: list[Watched],
        *,
        policy: RestartPolicy = RestartPolicy(),
        log: Callable[[str], None] = print,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._watched = watched
        self._policy = policy
        self._log = log
        self._clock = clock
        self._tracks = {w.name: _Track(policy.first_delay) for w in watched}
        self.restarts: dict[str, int] = {w.name: 0 for w in watched}  # successful ones

    def tick(self) -> None:
        """Look at every process once; call it from the run loop every half second."""
        for watched in self._watched:
            self._look_at(watched)

    def _look_at(self, watched: Watched) -> None:
        track = self._tracks[watched.name]
        now = self._clock()
        if track.due is None:
            if watched.alive():
                if not track.attempts or now - track.attempts[-1] > WINDOW:
                    track.delay = self._policy.first_delay  # healthy a while: start over
                return
            track.due = now + track.delay
            self._log(f"{watched.name} is not running; restarting it in {track.delay:.1f} s")
            return
        if now < track.due:
            return
        while track.attempts and now - track.attempts[0] > WINDOW:
            track.attempts.popleft()
        if len(track.attempts) >= self._policy.max_per_minute:
            raise GaveUp(
                f"{watched.name} needed {len(track.attempts)} restarts within a minute; "
                "giving up (see its log under var/logs/)"
            )
        track.attempts.append(now)
        track.delay = min(track.delay * 2, self._policy.max_delay)
        try:
            pid = watched.restart()
        except Exception as error:  # the next look tries again, later
            track.due = self._clock() + track.delay
            self._log(
                f"{watched.name}: restart failed ({' '.join(str(error).split())[:200]}); "
                f"next try in {track.delay:.1f} s"
            )
            return
        track.due = None
        self.restarts[watched.name] += 1
        self._log(f"{watched.name} restarted (pid {pid})")


class ServiceWatch:
    """An embedded server of an EmbeddedStack, as the supervisor sees it."""

    def __init__(self, stack, name: str) -> None:  # stack: stack.embedded.EmbeddedStack
        self._stack = stack
        self.name = name

    def alive(self) -> bool:
        return self._stack.service(self.name).running_pid() is not None

    def restart(self) -> int:
        return self._stack.restart(self.name)


def supervisor_log(var_dir: Path) -> Callable[[str], None]:
    """Each line to stderr and to var_dir/logs/supervisor.log."""
    log_path = var_dir / "logs" / "supervisor.log"

    def log(message: str) -> None:
        line = f"{time.strftime('%Y-%m-%d %H:%M:%S')} supervisor: {message}"
        click.echo(line, err=True)
        with open(log_path, "a") as out:
            out.write(line + "\n")

    return log
