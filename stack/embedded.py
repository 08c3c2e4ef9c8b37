"""EmbeddedStack: start, reuse, report and stop the four servers under `settings.var_dir`."""

from __future__ import annotations

import contextlib
import fcntl
import os
import re
import threading
from collections.abc import Iterator
from concurrent.futures import FIRST_COMPLETED, ThreadPoolExecutor, wait
from dataclasses import dataclass
from pathlib import Path

from settings import Settings

from . import process
from .errors import StackError
from .mail_server import MailServer
from .postgres import Postgres
from .redis_server import Redis
from .secrets import secure_var_dir, with_embedded_credentials
from .service import Aborted, Service
from .temporal_server import Temporal
from .typesense_server import Typesense

# The embedded servers, in the order the stack starts and reports them.
ALL_SERVICES: tuple[type[Service], ...] = (Postgres, Redis, Typesense, Temporal, MailServer)

# How long an already running server may take to answer before up() gives up on it.
REUSE_TIMEOUT = 15.0


@dataclass(frozen=True)
class Endpoints:
    """Where the running (embedded or external) servers are."""

    database_url: str
    redis_url: str
    typesense_url: str
    typesense_api_key: str
    temporal_address: str
    temporal_ui_url: str | None  # None when Temporal is external (we do not know its UI)
    smtp_url: str | None = None

    def as_settings(self, settings: Settings) -> Settings:
        return settings.with_services(
            database_url=self.database_url,
            redis_url=self.redis_url,
            typesense_url=self.typesense_url,
            typesense_api_key=self.typesense_api_key,
            temporal_address=self.temporal_address,
            smtp_url=self.smtp_url,
        )


def redact(url: str) -> str:
    """Hide a password in a URL for display."""
    return re.sub(r"(//[^:/@]*:)[^@/]+@", r"\1***@", url)


class EmbeddedStack:
    """The embedded PostgreSQL, Redis, Typesense and Temporal of one `var_dir`.

    Services whose URL is set in settings are external: never started or stopped, only
    reported. State lives in files (var/run/<service>.pid), so `down()` and `status()`
    work from any process, not only the one that called `up()`.
    """

    def __init__(self, settings: Settings, *, timeout: float = 120.0) -> None:
        # The embedded Typesense and Redis get generated credentials (var/secrets.json).
        secure_var_dir(Path(settings.var_dir))
        settings = with_embedded_credentials(settings)
        self.settings = settings
        self.timeout = timeout
        self.var_dir = Path(settings.var_dir)
        self.services: list[Service] = [cls(settings) for cls in ALL_SERVICES]
        # Names of the services the last up() of this object started (not reused).
        self.started: list[str] = []

    # -- lookup ------------------------------------------------------------------------
    def service(self, name: str) -> Service:
        for service in self.services:
            if service.name == name:
                return service
        raise KeyError(name)

    @property
    def embedded(self) -> list[Service]:
        return [s for s in self.services if s.external_url is None]

    def endpoints(self) -> Endpoints:
        """The endpoints up() returns, computed without starting or probing anything."""
        pg, rd, ts, tp = (self.service(n) for n in ("postgres", "redis", "typesense", "temporal"))
        assert isinstance(pg, Postgres) and isinstance(rd, Redis)
        assert isinstance(ts, Typesense) and isinstance(tp, Temporal)
        return Endpoints(
            database_url=pg.external_url or pg.url(),
            redis_url=rd.external_url or rd.url(),
            typesense_url=ts.external_url or ts.url(),
            typesense_api_key=self.settings.typesense_api_key_or_default,
            temporal_address=tp.external_url or tp.url(),
            temporal_ui_url=None if tp.external_url else tp.ui_url(),
            smtp_url=self.service("mail").external_url or self.service("mail").url(),
        )

    # -- up ------------------------------------------------------------------------------
    def up(self) -> Endpoints:
        """Start every embedded service that is not already running and wait until all
        answer. Idempotent. On failure (or Ctrl-C) stops what this call started."""
        with self._locked():
            started: list[tuple[Service, int]] = []
            started_lock = threading.Lock()
            abort = threading.Event()
            errors: list[StackError] = []

            def on_started(service: Service, pid: int) -> None:
                with started_lock:
                    started.append((service, pid))

            todo = self.embedded
            # Fail before starting anything when a port we need is held by someone else.
            for service in todo:
                if service.running_pid() is None:
                    service.check_ports_free()
            pool = ThreadPoolExecutor(max_workers=max(1, len(todo)), thread_name_prefix="stack-up")
            futures: dict = {}
            # Submitting is inside the try: a Ctrl-C between two submissions, once the first
            # server is already starting, must stop it too (and wait for the others' threads,
            # which would otherwise start every server on their own and outlive us).
            try:
                for service in todo:
                    futures[pool.submit(self._ensure, service, abort, on_started)] = service
                pending = set(futures)
                while pending:
                    done, pending = wait(pending, timeout=0.2, return_when=FIRST_COMPLETED)
                    for future in done:
                        exc = future.exception()
                        if exc is not None and not isinstance(exc, Aborted):
                            errors.append(_as_stack_error(futures[future], exc))
                            abort.set()
            except BaseException:  # Ctrl-C while waiting: stop what we started, re-raise
                abort.set()
                pool.shutdown(wait=True)
                self._stop_all(started)
                raise
            pool.shutdown(wait=True)
            if errors:
                try:
                    self._stop_all(started)
                except StackError:
                    pass  # the first failure is the one to report
                raise errors[0]
            names = {s.name for s, _ in started}
            self.started = [s.name for s in self.services if s.name in names]
            return self.endpoints()

    def _ensure(self, service: Service, abort: threading.Event, on_started) -> tuple[int, bool]:
        pid = service.running_pid()
        if pid is not None:
            # Already running (an earlier up(), maybe from another process): it should
            # answer at once, so do not wait the full start-up timeout for it.
            try:
                service.wait_healthy(pid, min(self.timeout, REUSE_TIMEOUT), abort)
            except StackError:
                if not process.pid_alive(pid):
                    raise
                raise service.error(
                    f"pid {pid} (already running) does not answer on {service.location}; "
                    "stop it with `shopflow stack down`"
                ) from None
            return pid, False
        process.remove_file(service.pid_path)  # stale (process gone) or absent
        service.clear_stale_state()
        service.check_ports_free()
        service.prepare()
        if abort.is_set():
            raise Aborted(service.name)
        pid = service.start()
        on_started(service, pid)
        service.wait_healthy(pid, self.timeout, abort)
        return pid, True

    def restart(self, name: str) -> int:
        """Start the embedded service `name` again after it exited (what the supervisor of
        `shopflow run` calls); a no-op returning its pid when it is running. Clears what a
        killed server leaves behind (stale pid and lock files) first."""
        service = self.service(name)
        with self._locked():
            pid, _ = self._ensure(service, threading.Event(), lambda s, p: None)
            return pid

    # -- down ----------------------------------------------------------------------------
    def down(self) -> list[str]:
        """Stop every embedded service running under var_dir (SIGTERM or the server's own
        fast-shutdown signal, wait, then SIGKILL) and remove pid files. Returns the names
        stopped."""
        with self._locked():
            running: list[tuple[Service, int]] = []
            for service in self.embedded:
                pid = service.running_pid()
                if pid is None:
                    process.remove_file(service.pid_path)
                else:
                    running.append((service, pid))
            self._stop_all(running)
            self.started = []
            return [s.name for s, _ in running]

    def _stop_all(self, running: list[tuple[Service, int]]) -> None:
        """Stop services concurrently (each waits for its own clean shutdown)."""
        failures: list[str] = []

        def stop(service: Service, pid: int) -> None:
            if not service.stop(pid):
                failures.append(f"{service.name}: pid {pid} did not stop {service.log_hint}")

        threads = [
            threading.Thread(target=stop, args=(s, pid), name=f"stack-stop-{s.name}")
            for s, pid in running
        ]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        if failures:
            raise StackError(failures[0])

    # -- status --------------------------------------------------------------------------
    def status(self) -> list[tuple[str, str]]:
        rows: list[tuple[str, str]] = []
        for service in self.services:
            if service.external_url is not None:
                rows.append((service.name, f"external {redact(service.external_url)}"))
                continue
            pid = service.running_pid()
            if pid is not None:
                state = f"running pid {pid} on {service.location}"
                try:
                    ok = service.healthy()
                except Exception:
                    ok = False
                rows.append((service.name, state if ok else state + " (not answering)"))
            elif service.pid_path.exists():
                rows.append((service.name, "stopped (stale pid file)"))
            else:
                rows.append((service.name, "stopped"))
        return rows

    def status_records(self) -> list[dict]:
        """Each service as {name, pid, port, state, location}: what `shopflow stack status
        --json` prints, so an operator (or a fault test) can find the process to restart.

        state: running | not answering | stopped | external. `port` is the TCP port clients
        use (None for PostgreSQL's unix socket). The worker and web of `shopflow run` are
        listed too, from the pid files it writes.
        """
        records: list[dict] = []
        for service in self.services:
            port = service.ports[0] if service.ports else None
            if service.external_url is not None:
                records.append(
                    _record(service.name, None, None, "external", redact(service.external_url))
                )
                continue
            pid = service.running_pid()
            state = "stopped"
            if pid is not None:
                try:
                    state = "running" if service.healthy() else "not answering"
                except Exception:
                    state = "not answering"
            records.append(_record(service.name, pid, port, state, service.location))
        for name, port in (("worker", None), ("web", self.settings.port)):
            pid_file = self.var_dir / "run" / f"{name}.pid"
            if not pid_file.exists():
                continue
            pid = process.read_pid_file(pid_file)
            alive = pid is not None and process.pid_alive(pid)
            records.append(
                _record(
                    name,
                    pid if alive else None,
                    port,
                    "running" if alive else "stopped",
                    "child of shopflow run",
                )
            )
        return records

    # -- helpers -------------------------------------------------------------------------
    @contextlib.contextmanager
    def _locked(self) -> Iterator[None]:
        """One up()/down() at a time per var_dir, across processes. Everything created
        meanwhile (directories, pid files, logs) is its owner's only: umask 077."""
        previous = os.umask(0o077)
        try:
            run_dir = self.var_dir / "run"
            run_dir.mkdir(parents=True, exist_ok=True)
            (self.var_dir / "logs").mkdir(parents=True, exist_ok=True)
            with open(run_dir / "stack.lock", "w") as fh:
                fcntl.flock(fh, fcntl.LOCK_EX)
                try:
                    yield
                finally:
                    fcntl.flock(fh, fcntl.LOCK_UN)
        finally:
            os.umask(previous)


def _record(name: str, pid: int | None, port: int | None, state: str, location: str) -> dict:
    # One server (or process) a name here, so its role is its name (the cluster's differ).
    return {
        "name": name,
        "role": name,
        "pid": pid,
        "port": port,
        "state": state,
        "location": location,
    }


def _as_stack_error(service: Service, exc: BaseException) -> StackError:
    if isinstance(exc, StackError):
        return exc
    detail = " ".join(str(exc).split()) or type(exc).__name__
    return service.error(detail[:300])
