"""The one gunicorn command line: `shopflow web`, `shopflow run`, Docker and the benchmarks.

gunicorn manages uvicorn workers running the ASGI app (entrypoints/asgi.py): the stock
streams on each worker's event loop, the Flask storefront on a thread pool of
`Settings.web_threads` per worker, both on one host and port (docs/live-stock.md).
"""

from __future__ import annotations

import sys
from pathlib import Path

from settings import Settings

WORKER_CLASS = "entrypoints.gunicorn.StoreWorker"


try:
    from uvicorn_worker import UvicornWorker
except ImportError:  # pragma: no cover - uvicorn-worker is a dependency
    UvicornWorker = object


class StoreWorker(UvicornWorker):
    """uvicorn's worker without its own X-Forwarded-For handling, which trusts 127.0.0.1 by
    default: forwarded headers count only through TRUSTED_PROXY_COUNT (ProxyFix, web/)."""

    CONFIG_KWARGS = {**UvicornWorker.CONFIG_KWARGS, "proxy_headers": False}


def venv_bin(name: str) -> str:
    """A console script installed next to this interpreter (gunicorn, shopflow)."""
    return str(Path(sys.executable).parent / name)


def gunicorn_args(settings: Settings) -> list[str]:
    return [
        venv_bin("gunicorn"),
        "--bind",
        f"{settings.host}:{settings.port}",
        "--workers",
        str(settings.web_workers),
        "--worker-class",
        WORKER_CLASS,
        "--graceful-timeout",
        "10",
        # gunicorn's control socket defaults to one path per user: a second `shopflow web`
        # would delete the first one's. Nothing of ours uses it.
        "--no-control-socket",
        # Hooks: metrics directory, logging and tracing per worker (entrypoints/gunicorn_hooks.py).
        "--config",
        "python:entrypoints.gunicorn_hooks",
        "entrypoints.asgi:app",
    ]


def metrics_dir(settings: Settings) -> Path:
    """Where this server's workers keep their metric files: one directory per port, so a
    second server on another port never empties the first one's."""
    return (
        settings.prometheus_multiproc_dir or settings.var_dir / "run" / f"metrics-{settings.port}"
    )


def gunicorn_env(settings: Settings) -> dict[str, str]:
    """The environment of gunicorn: the services, and prometheus-client's multiprocess
    directory (web/metrics.py), which only gunicorn gets: the worker serves its own."""
    env = settings.child_env()
    directory = metrics_dir(settings)
    # Made here, before gunicorn loads its hooks: a module that creates a metric at import
    # writes into it at once (a fresh var/ would fail with "No such file or directory").
    directory.mkdir(parents=True, exist_ok=True)
    env["PROMETHEUS_MULTIPROC_DIR"] = str(directory)
    return env
