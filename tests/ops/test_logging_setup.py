"""The log line formats: JSON in production, a readable line in dev, each with the
request id and trace id of where it was logged."""

from __future__ import annotations

import io
import json
import logging
from dataclasses import replace

import pytest
from flask import Flask

from entrypoints.logging_setup import ContextFilter, make_formatter
from settings import Settings
from web.request_id import init_request_id

pytestmark = pytest.mark.unit


def capture(settings: Settings) -> tuple[logging.Logger, io.StringIO]:
    out = io.StringIO()
    handler = logging.StreamHandler(out)
    handler.setFormatter(make_formatter(settings))
    handler.addFilter(ContextFilter())
    logger = logging.getLogger(f"tests.ops.{settings.environment}")
    logger.handlers[:] = [handler]
    logger.propagate = False
    logger.setLevel(logging.INFO)
    return logger, out


def app_logging_inside_a_request(logger: logging.Logger) -> Flask:
    app = Flask(__name__)
    init_request_id(app)

    @app.get("/x")
    def x():
        logger.warning("inside", extra={"item_id": 7})
        return "ok"

    return app


def test_production_logs_one_json_object_per_line_with_request_and_trace_ids():
    logger, out = capture(replace(Settings(), environment="production"))
    app = app_logging_inside_a_request(logger)

    from opentelemetry.sdk.trace import TracerProvider

    tracer = TracerProvider().get_tracer("test")
    with tracer.start_as_current_span("work") as span:
        answer = app.test_client().get("/x", headers={"X-Request-ID": "req-12345678"})
    logger.info("outside")

    first, second = (json.loads(line) for line in out.getvalue().splitlines())
    assert answer.headers["X-Request-ID"] == "req-12345678"
    assert first["level"] == "WARNING" and first["logger"] == logger.name
    assert first["message"] == "inside" and first["item_id"] == 7
    assert first["request_id"] == "req-12345678"
    assert first["trace_id"] == format(span.get_span_context().trace_id, "032x")
    assert first["timestamp"].startswith("20")
    assert second["request_id"] == "-" and second["trace_id"] == "-"


def test_dev_logs_a_readable_line_with_time_level_and_request_id():
    logger, out = capture(replace(Settings(), environment="dev"))
    app = app_logging_inside_a_request(logger)
    app.test_client().get("/x", headers={"X-Request-ID": "req-abcdefgh"})

    line = out.getvalue().splitlines()[0]
    assert " WARNING " in line and "[req req-abcdefgh] inside" in line
    assert line[:4].isdigit() and not line.startswith("{")
