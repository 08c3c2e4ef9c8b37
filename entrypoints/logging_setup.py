"""How every shopflow process logs (docs/operations.md, "Logs").

- production (`SHOPFLOW_ENV=production`): one JSON object per line, with `timestamp`,
  `level`, `logger`, `message`, `request_id` and `trace_id` (and any `extra` fields),
  for a log shipper to read without parsing prose;
- dev: a readable line, `2026-12-06 05:20:01,123 INFO web.errors [req 3f2a..] message`.

The request id comes from web/request_id.py, the trace id from the current
OpenTelemetry span; both are empty outside a request or a trace. gunicorn's and
uvicorn's own loggers are sent through the same handler, so the access log is in the
same format. Nothing here logs request bodies: card data never reaches a log line.
"""

from __future__ import annotations

import logging
import sys

from opentelemetry import trace
from pythonjsonlogger.orjson import OrjsonFormatter

from settings import Settings
from web.request_id import current_request_id

DEV_FORMAT = "%(asctime)s %(levelname)s %(name)s [req %(request_id)s] %(message)s"
JSON_FIELDS = "%(asctime)s %(levelname)s %(name)s %(message)s %(request_id)s %(trace_id)s"
# Loggers that bring handlers of their own; they are made to use ours instead.
SERVER_LOGGERS = ("gunicorn.error", "gunicorn.access", "uvicorn", "uvicorn.error")
# uvicorn's access log writes each request's path and query string: a password-reset
# link's token, a shopper's search terms. The store writes one access line per request
# itself, with the route instead (web/request_id.py), so this one is silenced: uvicorn
# skips it when the logger has no handler to reach.
SILENCED_LOGGERS = ("uvicorn.access",)


class ContextFilter(logging.Filter):
    """Stamps each record with the request id and trace id of where it was logged."""

    def filter(self, record: logging.LogRecord) -> bool:
        record.request_id = current_request_id() or "-"
        context = trace.get_current_span().get_span_context()
        record.trace_id = format(context.trace_id, "032x") if context.is_valid else "-"
        return True


def make_formatter(settings: Settings) -> logging.Formatter:
    if settings.is_dev:
        return logging.Formatter(DEV_FORMAT)
    # orjson's encoder: every request writes a line, and the stdlib's was most of its cost.
    return OrjsonFormatter(
        JSON_FIELDS,
        rename_fields={"asctime": "timestamp", "levelname": "level", "name": "logger"},
        datefmt="%Y-%m-%dT%H:%M:%S%z",
    )


def configure_logging(settings: Settings, *, level: int = logging.INFO) -> logging.Handler:
    """Route every logger of this process to one stderr handler in the settings' format."""
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(make_formatter(settings))
    handler.addFilter(ContextFilter())
    root = logging.getLogger()
    for old in list(root.handlers):
        root.removeHandler(old)
    root.addHandler(handler)
    root.setLevel(level)
    for name in SERVER_LOGGERS:
        server_logger = logging.getLogger(name)
        for old in list(server_logger.handlers):
            server_logger.removeHandler(old)
        server_logger.propagate = True
    for name in SILENCED_LOGGERS:
        silenced = logging.getLogger(name)
        silenced.handlers.clear()
        silenced.propagate = False
    return handler
