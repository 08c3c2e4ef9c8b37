"""The stock streams (Server-Sent Events), served by the ASGI app beside Flask.

- `GET /api/v1/items/<itemID>/stock/events`: the public API. Every event has an `id:`
  (the change's event id) and `data: {"itemID", "stock", "inStock", "changedAt"}`; the
  first is the current stock; `Last-Event-ID` resumes from the item's Redis stream;
  a heartbeat comment at least every `sse_heartbeat_seconds`; unknown item -> 404.
- `GET /live/stock?items=1,2,3&view=item|card`: what the pages connect to (one
  connection per page, however many items it shows, because browsers allow only
  six per origin). Events `stock-<itemID>` carry the HTML of the item's stock line
  (view=item) or its search card's stock-and-button block (view=card), for the htmx
  SSE extension to swap in; `availability-<itemID>` fires when the item sells out
  or comes back, for parts that must be fetched per shopper (the Add to cart form).
  It starts with the current stock of every item and, on reconnect, starts again.
"""

from __future__ import annotations

import asyncio
import functools
import json
from collections.abc import AsyncIterator, Callable

import redis.asyncio as aioredis
from sse_starlette import EventSourceResponse, ServerSentEvent
from starlette.requests import Request
from starlette.responses import JSONResponse, PlainTextResponse, Response

from db.redis.stock_feed import StockChange, StockFeedKeys, event_id_of
from web.item_reads import ItemReads
from web.live.event_stream import HEARTBEAT, EventStream
from web.live.fanout import Listener, StockFanout
from web.metrics import counted_stream
from web.page_items import MAX_PAGE_ITEMS, parse_item_id

# The API stream's route (web/live/asgi.py); documented in web/search/openapi.py.
ITEM_EVENTS_PATH = "/api/v1/items/{item_id}/stock/events"
PAGE_EVENTS_PATH = "/live/stock"  # the pages' one stream (templates' sse-connect)
PAGE_EVENTS_KEPT = 4096
VIEWS = ("item", "card")


def not_found(item: str) -> JSONResponse:
    return JSONResponse(
        {"error": {"code": "not_found", "message": f"No item with itemID {item[:40]}."}},
        status_code=404,
        headers={"Cache-Control": "no-store"},
    )


class StockStreams:
    def __init__(
        self,
        *,
        fanout: StockFanout,
        redis_client: aioredis.Redis,
        keys: StockFeedKeys,
        items: ItemReads,
        heartbeat_seconds: float,
        render_fragment: Callable[[str, int, int], str],
    ) -> None:
        self._fanout = fanout
        self._redis = redis_client
        self._keys = keys
        self._items = items
        self._heartbeat = heartbeat_seconds
        self._render = render_fragment
        self._page_events: dict[tuple[str, int, int], bytes] = {}

    def sse_response(self, events: AsyncIterator[ServerSentEvent | bytes]) -> EventSourceResponse:
        """sse-starlette's response, with its own pings: for streams whose source does
        not time its heartbeats itself (the waiting room's ticket streams)."""
        return EventSourceResponse(
            counted_stream("tickets", events),
            ping=self._heartbeat,
            headers={"Cache-Control": "no-store"},
            # A client that stops reading is dropped instead of holding memory.
            send_timeout=30,
        )

    # -- the API stream ---------------------------------------------------------------
    async def item_events(self, request: Request) -> Response:
        raw = request.path_params["item_id"]
        item_id = parse_item_id(raw)
        if item_id is None:
            return not_found(raw)
        resume_from = _last_event_id(request)
        # Listen before reading the current stock: no change can fall in between.
        listener = self._fanout.register([item_id])
        try:
            if resume_from is None:
                current = await self._current(item_id)
                first = [] if current is None else [current]
                known = current is not None
            else:
                first = await self._history(item_id, resume_from)
                known = bool(first) or await self._exists(item_id)
        except BaseException:
            self._fanout.unregister(listener)
            raise
        if not known:
            self._fanout.unregister(listener)
            return not_found(raw)
        return EventStream(self._item_stream(listener, item_id, first, resume_from or 0))

    async def _item_stream(self, listener: Listener, item_id: int, first, last: int):
        try:
            for change in first:
                yield _api_event(change)
                last = max(last, change.event_id)
            while True:
                changes, resync = await listener.next_batch()
                if not changes and not resync:
                    yield HEARTBEAT
                    continue
                if resync:
                    changes = await self._history(item_id, last) + changes
                for change in changes:
                    if change.event_id > last:
                        yield _api_event(change)
                        last = change.event_id
        finally:
            self._fanout.unregister(listener)

    async def _current(self, item_id: int) -> StockChange | None:
        """The newest change in the item's stream, else its stock in PostgreSQL (id 0)."""
        newest = await self._redis.xrevrange(self._keys.item(item_id), count=1)
        if newest:
            return _parse_entry(newest[0])
        stock = await asyncio.to_thread(self._items.stock, item_id)
        return None if stock is None else StockChange(0, item_id, stock)

    async def _history(self, item_id: int, after: int) -> list[StockChange]:
        entries = await self._redis.xrange(self._keys.item(item_id), min=f"({after}-0")
        return [_parse_entry(entry) for entry in entries]

    async def _exists(self, item_id: int) -> bool:
        return await asyncio.to_thread(self._items.stock, item_id) is not None

    # -- the pages' stream --------------------------------------------------------------
    async def page_events(self, request: Request) -> Response:
        view = request.query_params.get("view", "item")
        shown = _parse_page_items(request.query_params.get("items", ""))
        if view not in VIEWS or not shown or len(shown) > MAX_PAGE_ITEMS:
            return PlainTextResponse(
                f"items must be 1 to {MAX_PAGE_ITEMS} comma-separated item ids, each "
                f"optionally with the stock the page shows (12:3), and view one of "
                f"{', '.join(VIEWS)}",
                status_code=400,
            )
        return EventStream(self._page_stream(shown, view))

    def _page_event(self, view: str, item_id: int, stock: int) -> bytes:
        """The encoded `stock-<itemID>` event: rendered and encoded once per process and
        (view, item, stock), the same bytes for every page that shows the item."""
        key = (view, item_id, stock)
        encoded = self._page_events.get(key)
        if encoded is None:
            if len(self._page_events) >= PAGE_EVENTS_KEPT:
                self._page_events.clear()
            html = self._render(view, item_id, stock)
            encoded = ServerSentEvent(html, event=f"stock-{item_id}").encode()
            self._page_events[key] = encoded
        return encoded

    async def _page_stream(self, rendered: dict[int, int | None], view: str):
        item_ids = sorted(rendered)
        with self._fanout.listen(item_ids) as listener:
            # item -> (event id, stock) the page shows: as rendered, then as sent.
            shown = {i: (0, stock) for i, stock in rendered.items() if stock is not None}
            resync = True
            while True:
                if resync:
                    stock = await asyncio.to_thread(self._items.stocks, item_ids)
                    changes = [StockChange(0, i, stock.get(i, 0)) for i in item_ids]
                else:
                    changes = [c for c in changes if c.event_id > shown[c.item_id][0]]
                for change in changes:
                    before = shown.get(change.item_id)
                    event_id = max(change.event_id, before[0] if before else 0)
                    shown[change.item_id] = (event_id, change.stock)
                    if before is not None and _looks_alike(view, before[1], change.stock):
                        continue
                    yield self._page_event(view, change.item_id, change.stock)
                    if before is not None and (before[1] > 0) != change.in_stock:
                        yield _availability_event(change.item_id, change.in_stock)
                changes, resync = await listener.next_batch()
                while not changes and not resync:
                    yield HEARTBEAT
                    changes, resync = await listener.next_batch()


def _parse_page_items(raw: str) -> dict[int, int | None]:
    """ "12:3,14" -> {12: 3, 14: None} (None: the page did not say); {} if malformed."""
    items: dict[int, int | None] = {}
    for part in raw.split(","):
        item, _, stock = part.partition(":")
        item_id = parse_item_id(item)
        if item_id is None or (stock and not (stock.isdigit() and len(stock) <= 9)):
            return {}
        items[item_id] = int(stock) if stock else None
    return items


def _looks_alike(view: str, before: int, now: int) -> bool:
    """Would the page show the same thing? (A card shows only in or out of stock.)"""
    return before == now if view == "item" else (before > 0) == (now > 0)


def _last_event_id(request: Request) -> int | None:
    raw = request.headers.get("last-event-id", "").strip()
    return int(raw) if raw.isdigit() and len(raw) <= 19 else None


def _parse_entry(entry) -> StockChange:
    entry_id, fields = entry
    change = StockChange.from_message(fields[b"d"])
    assert change.event_id == event_id_of(entry_id)
    return change


@functools.lru_cache(maxsize=1024)
def _api_event(change: StockChange) -> bytes:
    """The encoded event, once per process and change however many streams send it."""
    data = json.dumps(change.data(), separators=(",", ":"))
    return ServerSentEvent(data, id=str(change.event_id)).encode()


@functools.lru_cache(maxsize=1024)
def _availability_event(item_id: int, in_stock: bool) -> bytes:
    return ServerSentEvent("in" if in_stock else "out", event=f"availability-{item_id}").encode()
