"""A waiting-room ticket's place in line, live (Server-Sent Events), served beside Flask.

- `GET /api/v1/waiting-room/tickets/<ticketID>/events` (bearer token, like the ticket's
  statusURL): every event has an `id:` (growing per stream) and `data: {ticketID,
  status, position, estimatedWaitSeconds, admittedUntil, itemID}`; the first is where
  the ticket stands now, then one whenever that changes. After SOLD_OUT or EXPIRED
  nothing changes any more: the client closes the stream.
- `GET /checkout/waiting/<ticketID>/events` (the session cookie): what the waiting page
  connects to through the htmx SSE extension. Events `position` and `wait` carry the
  text the page shows; `status` fires when the ticket is no longer WAITING, and the
  page then fetches its status part from Flask (the admitted form needs the shopper's
  CSRF token).

No credentials: 401; a ticket that is not the shopper's: 404, as the statusURL answers
(anyone else's ticket is as unknown as one never issued). Who is asking is decided by
the Flask app itself (`_authorize`: its session and token code in a request context).

One process-wide `TicketWatch` follows the line: the waiting room's scripts publish an
item's id on `wr:moved` whenever its line moves (db/redis/waiting_room.py), on the process's
one Redis subscription (web/live/fanout.py); the watch then re-reads the places of
every ticket of that item its streams show in ONE pipelined round trip, and wakes only
the streams whose place changed. Every REFRESH_SECONDS it re-reads them anyway: the
estimated wait drifts with time while the line stands still.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import time
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass

import redis.asyncio as aioredis
from flask import Flask
from redis.exceptions import RedisError
from sse_starlette import ServerSentEvent
from starlette.requests import Request
from starlette.responses import Response

from db.redis.waiting_room import MOVED_CHANNEL, item_of_ticket
from db.redis.waiting_room_keys import item_keys, ticket_fields
from domain.waiting_room import TicketState, TicketStatus, estimated_wait_seconds
from web.formatting import wait_phrase
from web.live.fanout import Channel
from web.waiting_room_json import admitted_until

log = logging.getLogger(__name__)

API_TICKET_EVENTS_PATH = "/api/v1/waiting-room/tickets/{ticket_id}/events"
PAGE_TICKET_EVENTS_PATH = "/checkout/waiting/{ticket_id}/events"
REFRESH_SECONDS = 5.0


@dataclass(frozen=True)
class Standing:
    """Where a ticket stands, as its shopper is told (the statusURL's fields)."""

    status: TicketStatus
    position: int | None
    wait: int
    admitted_until: str | None

    def data(self, ticket_id: str, item_id: int) -> dict:
        return {
            "ticketID": ticket_id,
            "status": self.status.value,
            "position": self.position,
            "estimatedWaitSeconds": self.wait,
            "admittedUntil": self.admitted_until,
            "itemID": item_id,
        }


class Watcher:
    """One open stream's ticket: the newest standing read, and a wake-up when it changes."""

    def __init__(self, ticket_id: str, item_id: int) -> None:
        self.ticket_id = ticket_id
        self.item_id = item_id
        self.latest: Standing | None = None
        self.gone = False  # the ticket left Redis (it outlived its TTL)
        self._wake = asyncio.Event()

    def offer(self, standing: Standing | None) -> None:
        if standing is None:
            self.gone = True
        elif standing == self.latest:
            return
        else:
            self.latest = standing
        self._wake.set()

    async def changed(self) -> None:
        await self._wake.wait()
        self._wake.clear()


class TicketWatch:
    """The process's view of every watched ticket (one per web process)."""

    def __init__(self, client: aioredis.Redis, configured_rate: float) -> None:
        self._redis = client
        self._rate = configured_rate
        self._watchers: dict[int, set[Watcher]] = {}
        self._running: set[int] = set()  # items being re-read now
        self._dirty: set[int] = set()  # ... which moved again meanwhile
        self._tasks: set[asyncio.Task] = set()
        self._ticker: asyncio.Task | None = None

    def channel(self) -> Channel:
        return Channel(MOVED_CHANNEL, self._on_moved, self._refresh_all)

    async def start(self) -> None:
        self._ticker = asyncio.create_task(self._tick(), name="ticket-watch")

    async def stop(self) -> None:
        for task in [self._ticker, *self._tasks]:
            if task is not None:
                task.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await task

    @contextlib.asynccontextmanager
    async def watching(self, ticket_id: str, item_id: int) -> AsyncIterator[Watcher]:
        """A watcher of the ticket, with its standing read *after* it was registered:
        no move of the line can fall between the first read and the live feed."""
        watcher = Watcher(ticket_id, item_id)
        self._watchers.setdefault(item_id, set()).add(watcher)
        try:
            standings = await self._read(item_id, [ticket_id])
            watcher.offer(standings[ticket_id])
            yield watcher
        finally:
            group = self._watchers.get(item_id)
            if group is not None:
                group.discard(watcher)
                if not group:
                    del self._watchers[item_id]

    # -- following the line ------------------------------------------------------------
    def _on_moved(self, data: bytes) -> None:
        try:
            item_id = int(data)
        except ValueError:
            log.warning("ignoring a malformed waiting-room message: %r", data[:40])
            return
        if item_id in self._watchers:
            self._refresh_soon(item_id)

    def _refresh_all(self) -> None:
        for item_id in list(self._watchers):
            self._refresh_soon(item_id)

    def _refresh_soon(self, item_id: int) -> None:
        if item_id in self._running:
            self._dirty.add(item_id)  # re-read once more when the running read ends
            return
        self._running.add(item_id)
        task = asyncio.create_task(self._refresh(item_id))
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def _refresh(self, item_id: int) -> None:
        try:
            while True:
                self._dirty.discard(item_id)
                watchers = list(self._watchers.get(item_id, ()))
                if watchers:
                    tickets = sorted({w.ticket_id for w in watchers})
                    try:
                        standings = await self._read(item_id, tickets)
                    except (RedisError, OSError) as exc:
                        log.warning("waiting room: could not re-read item %s: %s", item_id, exc)
                        return  # the next move or tick tries again
                    for watcher in watchers:
                        watcher.offer(standings[watcher.ticket_id])
                if item_id not in self._dirty:
                    return
        finally:
            self._running.discard(item_id)

    async def _tick(self) -> None:
        while True:
            await asyncio.sleep(REFRESH_SECONDS)
            self._refresh_all()

    async def _read(self, item_id: int, ticket_ids: list[str]) -> dict[str, Standing | None]:
        """Every ticket's standing and the item's admission times: one round trip."""
        keys = item_keys(item_id)
        async with self._redis.pipeline(transaction=False) as pipe:
            pipe.lrange(keys.admits, 0, -1)
            for ticket_id in ticket_ids:
                pipe.hmget(keys.tickets, ticket_fields(ticket_id, "state", "admittedUntil"))
                pipe.zrank(keys.queue, ticket_id)
            answers = await pipe.execute()
        admits = [int(t) for t in answers[0]]
        now = int(time.time() * 1000)
        standings: dict[str, Standing | None] = {}
        for k, ticket_id in enumerate(ticket_ids):
            (state, until), rank = answers[1 + 2 * k], answers[2 + 2 * k]
            standings[ticket_id] = (
                None
                if state is None
                else self._standing(TicketState(state.decode()).shown_as, rank, until, admits, now)
            )
        return standings

    def _standing(self, status, rank, until, admits, now) -> Standing:
        position = rank + 1 if status is TicketStatus.WAITING and rank is not None else None
        wait = 0
        if position is not None:
            wait = estimated_wait_seconds(position, admits, now, configured_rate=self._rate)
        until_ms = int(until) if until else None
        return Standing(status, position, wait, admitted_until(status.value, until_ms))


class TicketStreams:
    def __init__(
        self,
        *,
        watch: TicketWatch,
        flask_app: Flask,
        respond: Callable[[AsyncIterator], Response],
    ) -> None:
        self._watch = watch
        self._flask = flask_app
        self._respond = respond

    async def api_events(self, request: Request) -> Response:
        return await self._open(request, self._api_stream)

    async def page_events(self, request: Request) -> Response:
        return await self._open(request, self._page_stream)

    async def _open(self, request: Request, stream) -> Response:
        ticket_id = request.path_params["ticket_id"][:100]
        refusal = await asyncio.to_thread(_authorize, self._flask, request, ticket_id)
        if refusal is not None:
            return refusal
        item_id = item_of_ticket(ticket_id)
        assert item_id is not None  # _authorize found the ticket
        return self._respond(stream(ticket_id, item_id))

    async def _api_stream(self, ticket_id: str, item_id: int):
        async with self._watch.watching(ticket_id, item_id) as watcher:
            sent, count = None, 0
            while not watcher.gone:
                if watcher.latest != sent:
                    sent, count = watcher.latest, count + 1
                    data = json.dumps(sent.data(ticket_id, item_id), separators=(",", ":"))
                    yield ServerSentEvent(data, id=str(count))
                await watcher.changed()

    async def _page_stream(self, ticket_id: str, item_id: int):
        async with self._watch.watching(ticket_id, item_id) as watcher:
            sent, count = None, 0
            while not watcher.gone:
                now = watcher.latest
                if now is not None and now != sent:
                    count += 1
                    for name, data in _page_events(sent, now):
                        yield ServerSentEvent(data, event=name, id=str(count))
                    sent = now
                await watcher.changed()


def _page_events(before: Standing | None, now: Standing) -> list[tuple[str, str]]:
    """What the waiting page must be told: its numbers while waiting, else the status."""
    if now.status is not TicketStatus.WAITING:
        changed = before is None or before.status is not now.status
        return [("status", now.status.value)] if changed else []
    events = []
    if now.position is not None and (before is None or before.position != now.position):
        events.append(("position", str(now.position)))
    if before is None or before.wait != now.wait:
        events.append(("wait", wait_phrase(now.wait)))
    return events


def _authorize(flask_app: Flask, request: Request, ticket_id: str) -> Response | None:
    """The Flask app decides who asks, as for the ticket's statusURL / waiting page:
    None when the ticket is theirs, else the refusal (401, 404) Flask would answer."""
    from web.current_user import api_unauthorized, current_user
    from web.errors import BadRequest, describe, error_response
    from web.refusals import api_refusal
    from web.ticket_access import ticket_refusal

    headers = {
        name: request.headers[name]
        for name in ("cookie", "authorization", "authentication")
        if name in request.headers
    }
    with flask_app.test_request_context(request.url.path, headers=headers):
        try:
            user = current_user()
        except BadRequest as error:  # Authorization and Authentication differ
            user, refusal = None, error_response(describe(error))
        else:
            refused = None if user is None else ticket_refusal(ticket_id, user.id)
            if user is not None and refused is None:
                return None
            refusal = api_unauthorized() if user is None else api_refusal(refused)
        return Response(
            refusal.get_data(),
            status_code=refusal.status_code,
            headers={k: v for k, v in refusal.headers.items() if k.lower() != "content-length"},
        )
