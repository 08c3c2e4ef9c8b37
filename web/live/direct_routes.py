"""Stream routes served with the server's own `send`, ahead of Starlette's middleware.

Starlette wraps `send` three times on the way to an endpoint (its error middleware,
its exception middleware, the route's exception wrapper), which costs nothing for a
page but is paid once per delivered event on a stream: a change to a busy item goes
to every stream a process holds, and with 500 streams per process bench/live's
micro-measurement saw 33 µs of CPU per delivery through the wrappers and 25 µs without
(the socket write itself is ~11). Errors inside these endpoints are left to the server
(uvicorn answers 500 and logs the traceback), which is what the middleware would do.
"""

from __future__ import annotations

from starlette.requests import Request
from starlette.routing import Match, Route
from starlette.types import ASGIApp, Receive, Scope, Send


class DirectRoutes:
    """ASGI: a request matching one of `routes` (path and method) goes straight to its
    endpoint; everything else, lifespan included, to `app`, and so does a request whose
    endpoint answers None (web/search/fast_api.py serves only the ordinary search)."""

    def __init__(self, app: ASGIApp, routes: list[Route]) -> None:
        self.app = app
        self.routes = routes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http":
            for route in self.routes:
                match, child = route.matches(scope)
                if match is Match.FULL:
                    scope = {**scope, **child}
                    response = await route.endpoint(Request(scope, receive))
                    if response is None:  # the endpoint leaves this request to `app`
                        break
                    await response(scope, receive, send)
                    return
        await self.app(scope, receive, send)
