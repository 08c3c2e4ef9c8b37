"""The stock streams are matched ahead of Starlette's middleware: their responses get
the server's own `send`; every other request (and the lifespan) still goes to the app."""

from __future__ import annotations

import asyncio

import pytest
from starlette.requests import Request
from starlette.responses import PlainTextResponse
from starlette.routing import Route

from web.live.direct_routes import DirectRoutes

pytestmark = pytest.mark.unit


class Recorder:
    """An ASGI app and a response that note which `send` they were given."""

    def __init__(self) -> None:
        self.sends: list[tuple[str, object]] = []

    async def app(self, scope, receive, send) -> None:
        self.sends.append(("app", send))

    async def endpoint(self, request: Request):
        recorder = self

        class Response(PlainTextResponse):
            async def __call__(self, scope, receive, send) -> None:
                recorder.sends.append((f"stream {request.path_params['item_id']}", send))

        return Response("")


def call(routes: DirectRoutes, method: str, path: str, kind: str = "http") -> object:
    scope = {"type": kind, "method": method, "path": path, "root_path": "", "headers": []}
    if kind != "http":
        scope = {"type": kind}

    async def receive():
        return {"type": "http.disconnect"}

    async def send(message):
        pass

    asyncio.run(routes(scope, receive, send))
    return send


def test_a_stream_request_reaches_its_endpoint_with_the_servers_own_send():
    recorder = Recorder()
    routes = DirectRoutes(recorder.app, [Route("/items/{item_id}/events", recorder.endpoint)])

    send = call(routes, "GET", "/items/42/events")

    assert recorder.sends == [("stream 42", send)]


@pytest.mark.parametrize(
    ("method", "path", "kind"),
    [("POST", "/items/42/events", "http"), ("GET", "/items/42", "http"), ("", "", "lifespan")],
)
def test_everything_else_goes_to_the_app(method, path, kind):
    recorder = Recorder()
    routes = DirectRoutes(recorder.app, [Route("/items/{item_id}/events", recorder.endpoint)])

    send = call(routes, method, path, kind)

    assert recorder.sends == [("app", send)]


def test_a_direct_route_that_answers_none_leaves_the_request_to_the_app():
    recorder = Recorder()

    async def not_mine(request: Request):
        return None

    routes = DirectRoutes(recorder.app, [Route("/api/v1/items", not_mine)])
    call(routes, "GET", "/api/v1/items")

    assert [who for who, _ in recorder.sends] == ["app"]
