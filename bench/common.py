"""Shared benchmark plumbing: an isolated stack, a live app, concurrent timing, percentiles."""

from __future__ import annotations

import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import replace
from pathlib import Path

import httpx

from settings import PROJECT_ROOT, Settings


def percentile(samples: list[float], pct: float) -> float:
    """Nearest-rank percentile of a list of seconds, returned in milliseconds."""
    if not samples:
        return float("nan")
    ordered = sorted(samples)
    rank = max(0, min(len(ordered) - 1, round(pct / 100 * len(ordered) + 0.5) - 1))
    return ordered[rank] * 1000


def timed_concurrently(
    call: Callable[[object], None], tasks: Iterable[object], clients: int
) -> list[float]:
    """Run `call(task)` for every task on `clients` threads; the latency of each, in seconds."""

    def one(task: object) -> float:
        started = time.perf_counter()
        call(task)
        return time.perf_counter() - started

    with ThreadPoolExecutor(max_workers=clients) as pool:
        return list(pool.map(one, tasks))


@contextmanager
def bench_stack(keep_dir: str | None = None) -> Iterator[Settings]:
    """A fresh embedded stack on free ports in a temporary folder, migrated."""
    from db.postgres.migrate import upgrade
    from stack import EmbeddedStack
    from stack.ports import settings_on_free_ports

    with tempfile.TemporaryDirectory(prefix="shopflow-bench-", dir=keep_dir) as tmp:
        base = settings_on_free_ports(Path(tmp), secret_key="bench-secret", environment="dev")
        stack = EmbeddedStack(base)
        try:
            settings = stack.up().as_settings(base)
            upgrade(settings.database_url)
            yield settings
        finally:
            stack.down()


@contextmanager
def live_web(
    settings: Settings,
    *,
    workers: int = 2,
    threads: int | None = None,
    # Generous: on a shared 2-core machine importing the app alone can take 20 s.
    ready_seconds: float = 120,
    **overrides,
) -> Iterator[str]:
    """gunicorn serving the app against `settings`; yields its base URL.

    `threads` replaces the per-worker Flask thread count of `shopflow web`; keyword
    overrides become environment variables of the app (`login_limit_per_ip=...`).
    """
    from entrypoints.gunicorn import gunicorn_args

    settings = replace(settings, web_workers=workers)
    env = settings.child_env()
    env.update({k.upper(): str(v) for k, v in overrides.items()})
    if threads is not None:  # the Flask threads of each (uvicorn) worker
        env["WEB_THREADS"] = str(threads)
    args = gunicorn_args(settings)
    # The error log goes to a file: a pipe nobody reads would block gunicorn once full.
    error_log = Path(settings.var_dir) / "bench-gunicorn.log"
    with open(error_log, "wb") as stderr:
        proc = subprocess.Popen(
            args,
            cwd=PROJECT_ROOT,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=stderr,
        )
    base = f"http://{settings.host}:{settings.port}"
    try:
        deadline = time.monotonic() + ready_seconds
        while True:
            try:
                if httpx.get(base + "/api/v1/items?query=a&limit=1", timeout=2).status_code < 500:
                    break
            except httpx.HTTPError:
                pass
            if proc.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(
                    "gunicorn did not start: " + error_log.read_text(errors="replace")[-2000:]
                )
            time.sleep(0.2)
        yield base
    finally:
        proc.terminate()
        proc.wait(timeout=20)


def log(msg: str) -> None:
    print(msg, file=sys.stderr, flush=True)
