"""One id per request: taken from a sane incoming X-Request-ID (a proxy's), else made
here; returned in the response's X-Request-ID and put on every log line of the request
(entrypoints/logging_setup.py reads `current_request_id`)."""

from __future__ import annotations

import contextvars
import logging
import re
import secrets
import time

from flask import Flask, g, request

HEADER = "X-Request-ID"
# Letters, digits and a few separators, as proxies make them: anything else (newlines,
# quotes, a kilobyte of text) would let a client forge or bloat log lines.
_SANE = re.compile(r"[A-Za-z0-9._:-]{8,128}")

_current: contextvars.ContextVar[str | None] = contextvars.ContextVar("request_id", default=None)
log = logging.getLogger("shopflow.request")


def current_request_id() -> str | None:
    return _current.get()


def new_request_id() -> str:
    """32 hex digits, as uuid4().hex was, without building a UUID on every request."""
    return secrets.token_hex(16)


def is_sane_request_id(incoming: str) -> bool:
    return _SANE.fullmatch(incoming) is not None


def bind_request_id(request_id: str) -> contextvars.Token:
    """For a request served outside Flask (web/search/fast_api.py): its log lines carry
    `request_id` until `_current.reset(token)`."""
    return _current.set(request_id)


def unbind_request_id(token: contextvars.Token) -> None:
    _current.reset(token)


def log_request(method: str, route: str, status: int, started: float) -> None:
    """The request's one access line: its route (the rule, never the path or the query
    string, which may carry a reset token or search terms), status and duration. The
    server's own access log is off (entrypoints/gunicorn.py) for that reason."""
    log.info(
        "%s %s %s",
        method,
        route,
        status,
        extra={
            "method": method,
            "route": route,
            "status": status,
            "duration_ms": round((time.perf_counter() - started) * 1000, 1),
        },
    )


def init_request_id(app: Flask) -> None:
    @app.before_request
    def _assign() -> None:
        incoming = request.headers.get(HEADER, "")
        request_id = incoming if is_sane_request_id(incoming) else new_request_id()
        g.request_id = request_id
        g.request_id_token = _current.set(request_id)
        g.request_started = time.perf_counter()

    @app.after_request
    def _answer(response):
        request_id = g.get("request_id")
        if request_id:
            response.headers[HEADER] = request_id
            route = request.url_rule.rule if request.url_rule is not None else "<unmatched>"
            log_request(request.method, route, response.status_code, g.request_started)
        return response

    @app.teardown_request
    def _forget(_error) -> None:
        token = g.pop("request_id_token", None)
        if token is not None:
            _current.reset(token)
