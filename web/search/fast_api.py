"""`GET /api/v1/items` for an anonymous client, on the event loop beside the stock streams.

Search-as-you-type makes this the store's most frequent request, and through Flask
(a2wsgi's thread hop per send, the request context, a dozen before/after hooks that a
public read does not need) the web tier spent more CPU on it than the search itself
(docs/benchmarks.md, "Search at the engine's speed"). Here the same use case
(`CatalogueSearch`) answers with the same JSON and headers. The cache, Typesense and
the live-stock overlay are awaited on the loop (db/search/async_search.py); only while
the catalogue version the cache keys need is not known without a PostgreSQL read does
a search go to a worker thread (web/thread_hop.py), which reads it.

Only the ordinary answer is made here. Anything else is handed to Flask unchanged, so
there is one implementation of each refusal: a bearer token (the search then feeds the
shopper's recommendations), a method other than GET, a request body, control
characters, an unknown parameter, an invalid search, a foreign cursor (`InvalidSearch`),
a request that may have come over TLS (whether HSTS is due). Flask answers those
with the store's usual error answers (web/errors.py).
"""

from __future__ import annotations

import functools
import logging
import time
from collections.abc import Callable
from contextlib import AbstractContextManager
from typing import Any
from urllib.parse import parse_qsl

import orjson
from starlette.requests import Request
from starlette.types import Receive, Scope, Send
from werkzeug.datastructures import MultiDict

from db.search import InvalidSearch, SearchUnavailable, parse_search_args
from db.search.async_search import AsyncSearch
from web.errors import describe
from web.headers import CONTENT_SECURITY_POLICY, HSTS, PERMISSIONS_POLICY
from web.input_guard import has_control_characters
from web.metrics import HTTP_LATENCY, HTTP_REQUESTS, SEARCH_LATENCY
from web.query_parameters import KnownParameters
from web.request_id import HEADER as REQUEST_ID
from web.request_id import (
    bind_request_id,
    is_sane_request_id,
    log_request,
    new_request_id,
    unbind_request_id,
)
from web.search.api import SEARCH_CACHE_CONTROL, search_page_json, wants_facets
from web.search.use_cases import CatalogueSearch
from web.thread_hop import ThreadHop

log = logging.getLogger("shopflow.request")

PATH = "/api/v1/items"
ROUTE = PATH  # the Flask rule, for metrics and the request log

# What Flask's after_request hooks add to every answer (web/headers.py).
_SECURITY_HEADERS = {
    "Content-Security-Policy": CONTENT_SECURITY_POLICY,
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
    "X-Frame-Options": "DENY",
    "Permissions-Policy": PERMISSIONS_POLICY,
}


class FastSearch:
    """The ASGI endpoint: a Response, or None when Flask should answer instead."""

    def __init__(
        self,
        search: Callable[[], CatalogueSearch],
        known: KnownParameters,
        *,
        secure: bool,
        threads: int,
        app_context: Callable[[], AbstractContextManager[Any]],
        media_base_url: str,
        on_loop: AsyncSearch | None = None,
    ) -> None:
        self._search = search
        # A search answered on the loop itself, no thread (db/search/async_search.py).
        self._on_loop = on_loop
        # The Flask app's context (not a request's), for the search in a worker thread:
        # what its shared pieces read their settings through (web/pictures.py's imageURL).
        self._app_context = app_context
        self._media_base_url = media_base_url  # the loop's answers, without an app context
        self._known = known
        self._secure = secure  # HSTS on every answer (SESSION_COOKIE_SECURE)
        fixed = {"Content-Type": "application/json", **_SECURITY_HEADERS}
        if secure:
            fixed["Strict-Transport-Security"] = HSTS
        self._fixed_headers = _raw(fixed)
        # As many searches at once as Flask's threads (WEB_THREADS), which the pools of
        # Typesense and live-stock connections are sized for: more would open (and
        # drop) extra connections rather than wait.
        self._hop = ThreadHop(threads, name="search")

    async def __call__(self, request: Request) -> ReadyAnswer | None:
        if request.method != "GET" or "authorization" in request.headers:
            return None
        if request.headers.get("content-length", "0") != "0" or (
            "transfer-encoding" in request.headers
        ):
            return None  # a GET with a body: Flask's input guard decides (413, 415)
        if not self._secure and (
            request.scope["scheme"] == "https" or "x-forwarded-proto" in request.headers
        ):
            return None  # whether HSTS is due is Flask's call (web/headers.py, ProxyFix)
        # As Starlette's query_params parses it, without the objects around it.
        query_string = request.scope["query_string"].decode("latin-1")
        args = MultiDict(parse_qsl(query_string, keep_blank_values=True))
        if self._known.problem(ROUTE, "GET", args.keys()) is not None:
            return None
        if any(has_control_characters(k) or has_control_characters(v) for k, v in args.items(True)):
            return None
        started = time.perf_counter()
        incoming = request.headers.get(REQUEST_ID, "")
        request_id = incoming if is_sane_request_id(incoming) else new_request_id()
        token = bind_request_id(request_id)  # on the search's log lines too
        try:
            try:
                if self._on_loop is not None and self._on_loop.serves_now():
                    body, cache = await self._answer_on_loop(self._on_loop, args)
                else:
                    body, cache = await self._hop.run(self._answer, args)
            except InvalidSearch:
                return None
            except SearchUnavailable as exc:
                # Answered here, not handed to Flask: that would wait for the engine twice.
                problem = describe(exc)
                log.warning("%s on %s: %s", problem.code, PATH, exc.__class__.__name__)
                error = {"error": {"code": problem.code, "message": problem.message}}
                headers = {"Retry-After": "5", "Cache-Control": "no-store"}  # as web/errors.py
                return self._respond(
                    orjson.dumps(error), problem.status, request_id, started, headers
                )
            headers = {"Cache-Control": SEARCH_CACHE_CONTROL, "X-Search-Cache": cache}
            return self._respond(body, 200, request_id, started, headers)
        finally:
            unbind_request_id(token)

    def _answer(self, args: MultiDict) -> tuple[bytes, str]:
        with self._app_context():
            search_request = parse_search_args(args)
            page = self._search().search(
                search_request, with_facets=wants_facets(args), user_id=None
            )
            return orjson.dumps(search_page_json(page)), page.cache

    async def _answer_on_loop(self, on_loop: AsyncSearch, args: MultiDict) -> tuple[bytes, str]:
        # As `_answer`, without the app context: parsing needs none, and the answer's one
        # setting, the media base of its imageURLs, was read once (`media_base_url`).
        search_request = parse_search_args(args)
        with SEARCH_LATENCY.time():
            page = await on_loop.search(search_request, with_facets=wants_facets(args))
        return orjson.dumps(search_page_json(page, self._media_base_url)), page.cache

    def _respond(
        self, body: bytes, status: int, request_id: str, started: float, extra: dict[str, str]
    ) -> ReadyAnswer:
        headers = [
            *self._fixed_headers,
            *_raw({**extra, REQUEST_ID: request_id, "Content-Length": str(len(body))}),
        ]
        elapsed = time.perf_counter() - started
        _latency().observe(elapsed)
        _answered(status).inc()
        log_request("GET", ROUTE, status, started)
        return ReadyAnswer(status, headers, body)


# The route's metric series, looked up once per process rather than per answer
# (`labels` takes a lock and builds its key each time). Made on first use: in the
# gunicorn worker, after the fork.
@functools.cache
def _latency() -> Any:
    return HTTP_LATENCY.labels(ROUTE, "GET")


@functools.cache
def _answered(status: int) -> Any:
    return HTTP_REQUESTS.labels(ROUTE, "GET", str(status))


class ReadyAnswer:
    """An ASGI answer whose headers are already bytes: what Starlette's Response does
    with a dict of headers on every answer (encode, lower-case, add the length and the
    type) is done once here for the headers every search answer carries."""

    __slots__ = ("body", "headers", "status")

    def __init__(self, status: int, headers: list[tuple[bytes, bytes]], body: bytes) -> None:
        self.status = status
        self.headers = headers
        self.body = body

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        await send({"type": "http.response.start", "status": self.status, "headers": self.headers})
        await send({"type": "http.response.body", "body": self.body})


def _raw(headers: dict[str, str]) -> list[tuple[bytes, bytes]]:
    return [
        (name.lower().encode("latin-1"), value.encode("latin-1")) for name, value in headers.items()
    ]
