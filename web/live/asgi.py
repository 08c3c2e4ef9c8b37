"""The ASGI app around the storefront; built with its clients by entrypoints/asgi.py,
which gunicorn serves (`entrypoints.asgi:app`, entrypoints/gunicorn.py).

One origin, two kinds of work:
- the stock streams (web/live/streams.py) and the waiting room's ticket streams
  (web/live/tickets.py) run on the event loop: an open stream
  costs a coroutine and a socket, not a thread, so a thousand of them fit in a
  couple of processes;
- everything else is the Flask storefront, mounted through a2wsgi's WSGIMiddleware,
  which runs each request on a thread pool of its own, as gunicorn's threads did.
Each process holds one Redis subscription for all its streams (web/live/fanout.py:
stock changes and the waiting room's "line moved"),
opened at start-up (lifespan) and closed at shutdown, with the clients it was given.
"""

from __future__ import annotations

import contextlib
import time
from collections.abc import Iterable

import redis.asyncio as aioredis
from a2wsgi import WSGIMiddleware
from flask import Flask
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Mount, Route

from db.redis.revocations import revocation_channel, revoked_user_id
from db.redis.stock_feed import StockFeedKeys
from settings import Settings
from web.current_user import token_user_memory
from web.live.caps import StreamCaps
from web.live.direct_routes import DirectRoutes
from web.live.fanout import Channel, StockFanout, StockWatcher
from web.live.fragments import fragment_renderer
from web.live.streams import ITEM_EVENTS_PATH, PAGE_EVENTS_PATH, StockStreams
from web.live.tickets import (
    API_TICKET_EVENTS_PATH,
    PAGE_TICKET_EVENTS_PATH,
    TicketStreams,
    TicketWatch,
)
from web.query_parameters import EXTENSION_KEY as KNOWN_PARAMETERS
from web.query_parameters import KnownParameters, UnknownParameter
from web.request_id import log_request
from web.services import EXTENSION_KEY

# Redis connections the streams' reads share per process (a pool, not one per stream).
READ_CONNECTIONS = 16

# The /api/v1 routes served here rather than by Flask (the OpenAPI coverage test reads it).
API_STREAM_PATHS = (ITEM_EVENTS_PATH, API_TICKET_EVENTS_PATH)


def asgi_app(
    flask_app: Flask,
    settings: Settings,
    *,
    reads: aioredis.Redis,
    subscriber: aioredis.Redis,
    fast_routes: list[Route] | None = None,
    stock_watchers: Iterable[StockWatcher] = (),
) -> DirectRoutes:
    """The streams on `reads`, their one subscription on `subscriber` (a client of its
    own: the subscription holds its connection for good), Flask mounted beside them.
    `fast_routes` are served on the loop too, ahead of Flask (the anonymous search);
    `stock_watchers` hear every stock change on the subscription (the search's memo)."""
    services = flask_app.extensions[EXTENSION_KEY]
    known: KnownParameters = flask_app.extensions[KNOWN_PARAMETERS]
    keys = StockFeedKeys(settings.stock_feed_namespace)
    tickets = TicketWatch(reads, settings.waiting_room_admission_rate)
    fanout = StockFanout(
        subscriber,
        keys,
        also=[tickets.channel(), revocations(flask_app, settings)],
        heartbeat_seconds=settings.sse_heartbeat_seconds,
        watchers=stock_watchers,
    )
    streams = StockStreams(
        fanout=fanout,
        redis_client=reads,
        keys=keys,
        items=services.items,
        heartbeat_seconds=settings.sse_heartbeat_seconds,
        render_fragment=fragment_renderer(flask_app),
    )
    ticket_streams = TicketStreams(watch=tickets, flask_app=flask_app, respond=streams.sse_response)
    caps = StreamCaps(
        per_address=settings.sse_streams_per_address,
        per_user=settings.sse_streams_per_user,
        flask_app=flask_app,
    )

    @contextlib.asynccontextmanager
    async def lifespan(app: Starlette):
        await fanout.start()
        await tickets.start()
        try:
            yield
        finally:
            await tickets.stop()
            await fanout.stop()
            await reads.aclose()
            services.close()

    app = Starlette(
        routes=[
            Route(
                API_TICKET_EVENTS_PATH,
                logged(
                    API_TICKET_EVENTS_PATH,
                    documented_only(
                        known, API_TICKET_EVENTS_PATH, caps.limit(ticket_streams.api_events)
                    ),
                ),
            ),
            Route(
                PAGE_TICKET_EVENTS_PATH,
                logged(PAGE_TICKET_EVENTS_PATH, caps.limit(ticket_streams.page_events)),
            ),
            Mount("/", WSGIMiddleware(flask_app, workers=settings.web_threads)),
        ],
        lifespan=lifespan,
    )
    # The stock streams carry a busy item's every change to every open page and client.
    return DirectRoutes(
        app,
        [
            Route(
                ITEM_EVENTS_PATH,
                logged(
                    ITEM_EVENTS_PATH,
                    documented_only(known, ITEM_EVENTS_PATH, caps.limit(streams.item_events)),
                ),
            ),
            Route(
                PAGE_EVENTS_PATH,
                logged(PAGE_EVENTS_PATH, caps.limit(streams.page_events)),
            ),
            *(fast_routes or []),
        ],
    )


def logged(route: str, endpoint):
    """`endpoint` with the store's access line (web/request_id.py) once its answer is
    decided: the stream's route, its status, and how long opening it took."""

    async def endpoint_logged(request: Request) -> Response:
        started = time.perf_counter()
        response = await endpoint(request)
        log_request(request.method, route, response.status_code, started)
        return response

    return endpoint_logged


def documented_only(known: KnownParameters, path: str, endpoint):
    """`endpoint`, answering 400 unknown_parameter to a query parameter its OpenAPI
    operation does not list, as Flask's routes do (web/query_parameters.py); before the
    stream caps, so a refused request holds no stream."""

    async def checked(request: Request) -> Response:
        message = known.problem(path, "GET", request.query_params.keys())
        if message is None:
            return await endpoint(request)
        error = {"code": UnknownParameter.code, "message": message}
        return JSONResponse(
            {"error": error}, status_code=400, headers={"Cache-Control": "no-store"}
        )

    return checked


def revocations(flask_app: Flask, settings: Settings) -> Channel:
    """Tokens revoked by any web process end in this one at once (db/redis/revocations.py)."""
    memory = token_user_memory(flask_app)

    def on_message(data: bytes) -> None:
        user_id = revoked_user_id(data)
        if user_id is not None:
            memory.forget(user_id)

    channel = revocation_channel(settings.stock_feed_namespace)
    # Deaf while the subscription is down, so the memory is paused until it is back.
    return Channel(channel, on_message, memory.forget_everyone, on_lost=memory.pause)
