"""One Redis subscription per web process, fanned out to every open stock stream in it.

A stream registers a `Listener` for the items it shows *before* it reads their
current stock, so no change can fall between the snapshot and the live feed; the
stream then drops any change it has already sent (ids grow per item). A listener
that falls far behind (a stalled client), and every listener after the subscription
had to reconnect, is told to resync: it re-reads what it missed from the item's
Redis stream (or the current stock) instead of trusting a gap-free feed.

The same subscription carries other channels a process listens to (`also`): the
waiting room's "line moved" messages for the ticket streams (web/live/tickets.py).
`watchers` hear of every item's change, and of the subscription dropping and coming
back, whatever the streams follow: the search overlay's memo (db/search/stock_memo.py).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import Protocol

import redis.asyncio as aioredis
from redis.exceptions import RedisError

from db.redis.stock_feed import StockChange, StockFeedKeys

log = logging.getLogger(__name__)

MAX_PENDING = 256  # changes buffered per listener before it must resync instead
RECONNECT_SECONDS = 1.0


class Listener:
    """What one open stream is waiting for.

    Woken through one bare future rather than an asyncio.Event and a timeout per wait:
    a change to a busy item wakes every listener in the process at once, and with
    1,000 streams each microsecond per wake-up is a millisecond on the event loop the
    pages share. Heartbeats come from the fan-out's one ticker (`beat`), not from a
    timer per listener.
    """

    def __init__(self, item_ids: Iterable[int]) -> None:
        self.item_ids = frozenset(item_ids)
        self.pending: list[StockChange] = []
        self.resync = False
        self._beat = False
        self._waiter: asyncio.Future[None] | None = None

    def push(self, change: StockChange) -> None:
        if len(self.pending) >= MAX_PENDING:
            self.pending.clear()
            self.resync = True
        else:
            self.pending.append(change)
        self._wake()

    def ask_resync(self) -> None:
        self.resync = True
        self._wake()

    def beat(self) -> None:
        """Time for the stream to say something, if it has nothing else to say."""
        self._beat = True
        self._wake()

    def _wake(self) -> None:
        waiter, self._waiter = self._waiter, None
        if waiter is not None and not waiter.done():
            waiter.set_result(None)

    async def next_batch(self) -> tuple[list[StockChange], bool]:
        """Wait for changes; returns (changes, must_resync). ([], False) is a heartbeat:
        the ticker's turn came and nothing changed since the last batch."""
        if not (self.pending or self.resync or self._beat):
            self._waiter = asyncio.get_running_loop().create_future()
            await self._waiter
        changes, self.pending = self.pending, []
        resync, self.resync = self.resync, False
        if not changes and not resync:
            self._beat = False  # this is the heartbeat; a beat that came with changes
        return changes, resync  # is kept for the next call, which the stream may filter


@dataclass(frozen=True)
class Channel:
    """Another channel on the process's one subscription: each message's data goes to
    `on_message`; `on_lost` runs as soon as the subscription drops, `on_reconnect` once
    it is open again (messages may have been missed between the two)."""

    name: str
    on_message: Callable[[bytes], None]
    on_reconnect: Callable[[], None]
    on_lost: Callable[[], None] = lambda: None


class StockWatcher(Protocol):
    """Told of every committed stock change this process hears; `lost` as soon as the
    subscription drops (changes may be missed from then on), `resumed` once it is open,
    the first time included."""

    def changed(self, item_id: int) -> None: ...

    def lost(self) -> None: ...

    def resumed(self) -> None: ...


class StockFanout:
    def __init__(
        self,
        client: aioredis.Redis,
        keys: StockFeedKeys,
        also: Iterable[Channel] = (),
        heartbeat_seconds: float = 0,
        watchers: Iterable[StockWatcher] = (),
    ) -> None:
        self.client = client
        self.keys = keys
        self._also = {channel.name: channel for channel in also}
        self._watchers = tuple(watchers)
        self._listeners: dict[int, set[Listener]] = {}
        self._heartbeat = heartbeat_seconds  # 0: never
        self._tasks: list[asyncio.Task] = []
        self.subscribed = asyncio.Event()

    @property
    def listener_count(self) -> int:
        return len(self._every_listener())

    def _every_listener(self) -> set[Listener]:
        """Each open stream's listener once, however many items it follows."""
        return {listener for group in self._listeners.values() for listener in group}

    async def start(self) -> None:
        self._tasks.append(asyncio.create_task(self._run(), name="stock-fanout"))
        if self._heartbeat > 0:
            self._tasks.append(asyncio.create_task(self._tick(), name="stock-heartbeat"))

    async def stop(self) -> None:
        for watcher in self._watchers:
            watcher.lost()
        for task in self._tasks:
            task.cancel()
        for task in self._tasks:
            with contextlib.suppress(asyncio.CancelledError):
                await task
        self._tasks.clear()
        await self.client.aclose()

    async def _tick(self) -> None:
        """Every listener beats once per heartbeat period, busy or not: a stream that
        sends nothing for that long (its changes filtered out, or none) still says
        something within the period, and one timer serves the whole process."""
        while True:
            await asyncio.sleep(self._heartbeat)
            for listener in self._every_listener():
                listener.beat()

    def register(self, item_ids: Iterable[int]) -> Listener:
        listener = Listener(item_ids)
        for item_id in listener.item_ids:
            self._listeners.setdefault(item_id, set()).add(listener)
        return listener

    def unregister(self, listener: Listener) -> None:
        for item_id in listener.item_ids:
            group = self._listeners.get(item_id)
            if group is not None:
                group.discard(listener)
                if not group:
                    del self._listeners[item_id]

    @contextlib.contextmanager
    def listen(self, item_ids: Iterable[int]) -> Iterator[Listener]:
        listener = self.register(item_ids)
        try:
            yield listener
        finally:
            self.unregister(listener)

    def dispatch(self, change: StockChange) -> None:
        for watcher in self._watchers:
            watcher.changed(change.item_id)
        for listener in self._listeners.get(change.item_id, ()):
            listener.push(change)

    async def _run(self) -> None:
        first = True
        while True:
            try:
                async with self.client.pubsub(ignore_subscribe_messages=True) as pubsub:
                    await pubsub.subscribe(self.keys.channel, *self._also)
                    self.subscribed.set()
                    for watcher in self._watchers:
                        watcher.resumed()
                    if not first:  # whatever was published while we were away
                        for listener in self._every_listener():
                            listener.ask_resync()
                        for channel in self._also.values():
                            channel.on_reconnect()
                    first = False
                    async for message in pubsub.listen():
                        if message.get("type") != "message":
                            continue
                        other = self._also.get(_text(message.get("channel")))
                        if other is not None:
                            other.on_message(message["data"])
                            continue
                        try:
                            self.dispatch(StockChange.from_message(message["data"]))
                        except (ValueError, KeyError) as exc:
                            log.warning("ignoring a malformed stock message: %s", exc)
            except asyncio.CancelledError:
                raise
            except (RedisError, OSError) as exc:
                self.subscribed.clear()
                for watcher in self._watchers:
                    watcher.lost()
                for channel in self._also.values():
                    channel.on_lost()
                first = False  # the next subscription, even a first one, follows a gap
                log.warning("stock feed subscription lost (%s); reconnecting", exc)
                await asyncio.sleep(RECONNECT_SECONDS)


def fanout_client_name(keys: StockFeedKeys) -> str:
    """The Redis client name of a web process's subscription (one feed namespace)."""
    return "shopflow-stock-fanout:" + "_".join(keys.namespace.split())  # no spaces in a name


def _text(value: bytes | str | None) -> str | None:
    return value.decode() if isinstance(value, bytes) else value
