"""The stock feed in Redis: what the relay writes and what listeners read.

For every committed stock change (a `StockChange`, numbered by its outbox row id):

- `<ns>:events`         pub/sub channel, one JSON message per change: live fan-out.
                        Each web process holds ONE subscription to it and routes the
                        messages to its own open SSE streams.
- `<ns>:item:<itemID>`  a capped stream per item whose entry ids are `<eventID>-0`, so
                        an SSE `Last-Event-ID` resumes with XRANGE, and a change the
                        relay publishes twice (crash after publishing, before
                        deleting its outbox rows) is refused by Redis as not newer.
                        Expires after an hour without changes.
- `<ns>:search-flips`   a counter the relay increments once the search engine has taken
                        a batch of in-stock flips: cached search pages filtered on
                        stock are stamped with it and go stale when it moves
                        (db/search/service.py).
- `<ns>:changes`        one capped stream of every item's changes (auto ids, the
                        event id inside), for consumers that must not miss a change
                        across a short disconnect (XREAD BLOCK from their last id),
                        e.g. the waiting room learning that an item sold out.

Per item, event ids grow with commit order: two transactions changing one item are
serialised by its row lock, so the later commit always has the larger outbox id.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

import redis

DEFAULT_NAMESPACE = "stock"
ITEM_HISTORY = 100  # changes kept per item for Last-Event-ID resume
ITEM_TTL_SECONDS = 3600
CHANGES_HISTORY = 10_000


@dataclass(frozen=True)
class StockChange:
    event_id: int
    item_id: int
    stock: int
    changed_at: datetime | None = None  # when the transaction wrote it (just before commit)

    @property
    def in_stock(self) -> bool:
        return self.stock > 0

    def data(self) -> dict:
        """The SSE `data:` object (and the pub/sub message, with `eventID`)."""
        data = {"itemID": self.item_id, "stock": self.stock, "inStock": self.in_stock}
        if self.changed_at is not None:
            data["changedAt"] = self.changed_at.isoformat()
        return data

    def to_message(self) -> str:
        return json.dumps({"eventID": self.event_id, **self.data()}, separators=(",", ":"))

    @classmethod
    def from_message(cls, raw: str | bytes) -> StockChange:
        body = json.loads(raw)
        changed_at = body.get("changedAt")
        return cls(
            event_id=int(body["eventID"]),
            item_id=int(body["itemID"]),
            stock=int(body["stock"]),
            changed_at=datetime.fromisoformat(changed_at) if changed_at else None,
        )


@dataclass(frozen=True)
class StockFeedKeys:
    namespace: str = DEFAULT_NAMESPACE

    @property
    def channel(self) -> str:
        return f"{self.namespace}:events"

    @property
    def changes(self) -> str:
        return f"{self.namespace}:changes"

    @property
    def search_flips(self) -> str:
        return f"{self.namespace}:search-flips"

    def item(self, item_id: int) -> str:
        return f"{self.namespace}:item:{item_id}"


def stream_id(event_id: int) -> str:
    return f"{event_id}-0"


def event_id_of(stream_entry_id: str | bytes) -> int:
    text = stream_entry_id.decode() if isinstance(stream_entry_id, bytes) else stream_entry_id
    return int(text.split("-", 1)[0])


class StockFeedPublisher:
    """The relay's side: two pipelined round trips per batch of changes, the streams
    first, then the messages (a listener told of a change finds it in the stream)."""

    def __init__(self, client: redis.Redis, keys: StockFeedKeys | None = None) -> None:
        self._client = client
        self.keys = keys or StockFeedKeys()

    def publish(self, changes: Sequence[StockChange]) -> None:
        """Raises redis.RedisError if Redis cannot take them (the relay retries)."""
        if not changes:
            return
        # Not MULTI, and each command names one key: on Redis Cluster the pipeline is
        # split by node (the item streams spread over the slots; docs/scaling.md).
        pipe = self._client.pipeline(transaction=False)
        messages = [change.to_message() for change in changes]
        for change, message in zip(changes, messages, strict=True):
            item_key = self.keys.item(change.item_id)
            pipe.xadd(
                item_key,
                {"d": message},
                id=stream_id(change.event_id),
                maxlen=ITEM_HISTORY,
                approximate=True,
            )
            pipe.expire(item_key, ITEM_TTL_SECONDS)
            pipe.xadd(self.keys.changes, {"d": message}, maxlen=CHANGES_HISTORY, approximate=True)
        self._raise_unless_replayed(pipe.execute(raise_on_error=False))
        pipe = self._client.pipeline(transaction=False)
        for message in messages:
            # As a raw command: redis-py's cluster pipeline refuses its `publish` helper
            # (no key to route by), but a PUBLISH sent to any node reaches every node's
            # subscribers.
            pipe.execute_command("PUBLISH", self.keys.channel, message)
        pipe.execute()

    def count_search_flips(self) -> None:
        """The search engine now answers with new in-stock flags: pages cached before
        are stale. Raises redis.RedisError (the relay keeps the flips queued)."""
        self._client.incr(self.keys.search_flips)

    @staticmethod
    def _raise_unless_replayed(results: list) -> None:
        for result in results:
            if isinstance(result, redis.ResponseError) and "equal or smaller" in str(result):
                continue  # published before a crash: the stream already has it
            if isinstance(result, Exception):
                raise result
