"""Child processes of the embedded stack: pid files, liveness, spawning and stopping."""

from __future__ import annotations

import os
import signal
import subprocess
import threading
import time
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path

import psutil  # a dependency of pgserver

# Popen objects of the servers this Python process spawned. Kept for the life of the
# process so they are reaped (no zombies) and never garbage-collected while running.
_children: dict[int, subprocess.Popen[bytes]] = {}
_children_lock = threading.Lock()


def read_pid_file(path: Path) -> int | None:
    try:
        text = path.read_text().strip()
    except FileNotFoundError:
        return None
    first = text.splitlines()[0].strip() if text else ""
    return int(first) if first.isdigit() else None


def write_pid_file(path: Path, pid: int) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(path.suffix + ".tmp")
    tmp.write_text(f"{pid}\n")
    tmp.replace(path)


def remove_file(path: Path) -> None:
    path.unlink(missing_ok=True)


def _reap(pid: int) -> None:
    """Collect the exit status if `pid` is a child of ours that has exited."""
    with _children_lock:
        proc = _children.get(pid)
    if proc is not None:
        proc.poll()  # reaps it; the Popen keeps the exit code for exit_code()
        return
    try:
        os.waitpid(pid, os.WNOHANG)
    except ChildProcessError:
        pass


def pid_alive(pid: int) -> bool:
    """True when `pid` is a running (not zombie) process."""
    if pid <= 0:
        return False
    _reap(pid)
    try:
        proc = psutil.Process(pid)
        return proc.status() not in (psutil.STATUS_ZOMBIE, psutil.STATUS_DEAD)
    except (psutil.NoSuchProcess, psutil.AccessDenied):
        return False


def process_is(pid: int, names: Iterable[str]) -> bool:
    """True when `pid` is alive and its program is one of `names` (so a recycled pid is not ours)."""
    if not pid_alive(pid):
        return False
    try:
        proc = psutil.Process(pid)
        candidates = {proc.name()}
        cmdline = proc.cmdline()
        if cmdline:
            candidates.add(os.path.basename(cmdline[0]))
    except (psutil.NoSuchProcess, psutil.AccessDenied):
        return False
    for want in names:
        for have in candidates:
            # /proc/<pid>/comm is truncated to 15 characters.
            if have == want or (len(have) == 15 and want.startswith(have)):
                return True
            # Processes that rewrite their title, e.g. "redis-server 127.0.0.1:6390".
            if have.startswith(want + " ") or have.startswith(want + ":"):
                return True
    return False


def open_private_log(log_path: Path):
    """Open a log for appending, created 0600 (and made 0600 if an older one was not)."""
    fd = os.open(log_path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
    os.fchmod(fd, 0o600)
    return os.fdopen(fd, "ab", buffering=0)


def spawn(
    argv: Sequence[str],
    *,
    log_path: Path,
    cwd: Path | None = None,
    env: Mapping[str, str] | None = None,
    user: str | None = None,
) -> subprocess.Popen[bytes]:
    """Start a server in its own session (Ctrl-C on our terminal does not reach it).

    stdout and stderr are appended to `log_path`.
    """
    log_path.parent.mkdir(parents=True, exist_ok=True)
    kwargs: dict = {}
    if user is not None:
        import pwd

        entry = pwd.getpwnam(user)
        kwargs.update(user=entry.pw_uid, group=entry.pw_gid, extra_groups=[])
    with open_private_log(log_path) as log:
        log.write(
            f"\n=== {time.strftime('%Y-%m-%d %H:%M:%S')} starting: {' '.join(argv)}\n".encode()
        )
        proc = subprocess.Popen(
            list(argv),
            stdin=subprocess.DEVNULL,
            stdout=log,
            stderr=subprocess.STDOUT,
            cwd=cwd,
            env=dict(env) if env is not None else None,
            start_new_session=True,
            close_fds=True,
            # Whatever the server writes (Redis's AOF, PostgreSQL's files, Typesense's
            # data) is its owner's only: addresses and emails live in there.
            umask=0o077,
            **kwargs,
        )
    with _children_lock:
        _children[proc.pid] = proc
    return proc


def exit_code(pid: int) -> int | None:
    """The exit code of a child we spawned that has exited, else None."""
    with _children_lock:
        proc = _children.get(pid)
    if proc is None:
        return None
    return proc.poll()


def wait_gone(pid: int, timeout: float) -> bool:
    deadline = time.monotonic() + timeout
    while True:
        if not pid_alive(pid):
            return True
        if time.monotonic() >= deadline:
            return False
        time.sleep(0.05)


def send_signal(pid: int, sig: int) -> None:
    try:
        os.kill(pid, sig)
    except ProcessLookupError:
        pass


def stop_process(
    pid: int,
    *,
    first_signal: int = signal.SIGTERM,
    grace: float = 20.0,
    then: Sequence[tuple[int, float]] = ((signal.SIGKILL, 5.0),),
) -> bool:
    """Signal `pid`, wait up to `grace` seconds, then escalate. True when it is gone."""
    send_signal(pid, first_signal)
    if wait_gone(pid, grace):
        return True
    for sig, wait in then:
        send_signal(pid, sig)
        if wait_gone(pid, wait):
            return True
    return False


def tail(path: Path, max_lines: int = 40) -> list[str]:
    """The last non-empty lines of a log file (empty list when missing)."""
    try:
        with open(path, "rb") as fh:
            fh.seek(0, os.SEEK_END)
            size = fh.tell()
            fh.seek(max(0, size - 16384))
            data = fh.read().decode("utf-8", "replace")
    except FileNotFoundError:
        return []
    lines = [line.strip() for line in data.splitlines() if line.strip()]
    return lines[-max_lines:]
