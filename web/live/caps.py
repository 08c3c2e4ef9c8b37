"""Caps on the streams one client may hold open: per address and per signed-in user.

An open stream costs its process a coroutine, a socket and some buffers; without a cap
one address could open thousands (docs/security.md, "Streams"). Each web process counts
its own open streams in memory: a stream lives and ends in one process, so nothing can
leak a count when a process dies. The caps are therefore per process (with N processes,
one client can hold at most N times the cap). Beyond a cap the answer is 429 with
`Retry-After`: a stream frees its slot the moment it closes.

Who is signed in is asked of the Flask app (session cookie or bearer token), as for the
ticket streams, and only when the request carries one.
"""

from __future__ import annotations

import asyncio
import json
from collections import Counter
from collections.abc import Awaitable, Callable

from flask import Flask
from starlette.requests import Request
from starlette.responses import Response
from starlette.types import Receive, Scope, Send

RETRY_AFTER_SECONDS = 10

Endpoint = Callable[[Request], Awaitable[Response]]


class StreamCaps:
    def __init__(self, *, per_address: int, per_user: int, flask_app: Flask) -> None:
        self.per_address = per_address
        self.per_user = per_user
        self._flask = flask_app
        self.open: Counter[tuple[str, object]] = Counter()

    def limit(self, endpoint: Endpoint) -> Endpoint:
        """`endpoint`, refused with a 429 while its caller is at a cap."""

        async def capped(request: Request) -> Response:
            keys = [("address", request.client.host if request.client else "unknown")]
            if {"cookie", "authorization", "authentication"} & set(request.headers.keys()):
                user_id = await asyncio.to_thread(self._user_id, request)
                if user_id is not None:
                    keys.append(("user", user_id))
            refused = self._refusal(keys)
            if refused is not None:
                return refused
            self.open.update(keys)
            try:
                response = await endpoint(request)
            except BaseException:
                self._release(keys)
                raise
            return _Releasing(response, lambda: self._release(keys))

        return capped

    def _refusal(self, keys: list[tuple[str, object]]) -> Response | None:
        for kind, key in keys:
            cap = self.per_user if kind == "user" else self.per_address
            if self.open[(kind, key)] >= cap:
                who = "your account" if kind == "user" else "your address"
                body = {
                    "error": {
                        "code": "too_many_streams",
                        "message": f"{who.capitalize()} has {cap} live streams open already;"
                        " close one (another tab?) and try again.",
                        "retryAfter": RETRY_AFTER_SECONDS,
                    }
                }
                return Response(
                    json.dumps(body),
                    status_code=429,
                    media_type="application/json",
                    headers={"Retry-After": str(RETRY_AFTER_SECONDS), "Cache-Control": "no-store"},
                )
        return None

    def _release(self, keys: list[tuple[str, object]]) -> None:
        self.open.subtract(keys)
        for key in keys:
            if self.open[key] <= 0:
                del self.open[key]

    def _user_id(self, request: Request) -> int | None:
        from web.current_user import current_user
        from web.errors import BadRequest

        headers = {
            name: request.headers[name]
            for name in ("cookie", "authorization", "authentication")
            if name in request.headers
        }
        with self._flask.test_request_context(request.url.path, headers=headers):
            try:
                user = current_user()
            except BadRequest:
                return None  # two different tokens: the endpoint answers 400
            return None if user is None else user.id


class _Releasing:
    """An ASGI response that frees its stream's slot once it has been sent (or dropped)."""

    def __init__(self, response: Response, release: Callable[[], None]) -> None:
        self._response = response
        self._release = release

    @property
    def status_code(self) -> int:
        return self._response.status_code

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        try:
            await self._response(scope, receive, send)
        finally:
            self._release()
