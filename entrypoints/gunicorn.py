"""The one gunicorn command line: `shopflow web`, `shopflow run`, Docker and the benchmarks.

gunicorn manages uvicorn workers running the ASGI app (web/asgi.py): the stock
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
        "--access-logfile",
        "-",
        "--graceful-timeout",
        "10",
        # gunicorn's control socket defaults to one path per user: a second `shopflow web`
        # would delete the first one's. Nothing of ours uses it.
        "--no-control-socket",
        "web.asgi:app",
    ]
