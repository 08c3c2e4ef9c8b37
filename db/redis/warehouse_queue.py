"""The durable queue of suborders per warehouse: one Redis stream each.

The fulfilment activity writes to it (`enqueue`); the warehouse portal reads it
through the consumer group "portal" (`read`) and acknowledges what it has handled
(`ack_suborder`, `ack_entries`).

How the portal uses it (`queue` in web/warehouses/operations.py):

* PostgreSQL is the source of truth for *what* a warehouse must ship: the portal page
  always lists `warehouse_orders` rows. The stream says *what is new*: entries the
  group has not delivered before (XREADGROUP `>`) are the suborders that arrived since
  the portal last looked, and the page marks them "new".
* An entry stays pending in the group until its suborder is handled: shipped, or found
  cancelled/delivered when the portal looks at it again. Pending entries are re-read
  with XAUTOCLAIM once idle for `RECLAIM_IDLE_MS`, which both recovers entries a crashed
  web process had read and sweeps up suborders handled some other way (cancelled by the
  shopper, shipped through the API before the portal ever read them): the portal finds
  them no longer ASSIGNED and acknowledges them.
* The entry id of every queued suborder is remembered in a hash until it is
  acknowledged, so shipping can acknowledge by suborder id (XACK needs the entry id,
  and any consumer of the group may acknowledge it).

Losing Redis loses no suborder (PostgreSQL still lists it), only the "new" marks.

Bounded memory (docs/reliability.md):

* Acknowledging a suborder also drops it from the queued set and the entry hash, then
  trims the stream (XTRIM MINID) below the oldest entry any consumer group still needs:
  its oldest pending entry, else its last delivered one. Entries never delivered are
  above that floor and stay. So a warehouse whose portal keeps up holds only its
  waiting suborders in Redis, however many it has shipped (tests/db/test_queue_memory.py).
* XADD caps the stream at about `max_len` entries (MAXLEN ~) for a warehouse nobody
  reads at all; what falls off is still listed from PostgreSQL.
* Once acknowledged, a suborder is forgotten: a notify activity retried *after* the
  portal handled its suborder would queue it again, and the portal's next look finds
  it no longer waiting and acknowledges it. Harmless, and rare (retries come within
  seconds, handling takes a warehouse worker).
"""

from __future__ import annotations

from dataclasses import dataclass

import redis

CONSUMER_GROUP = "portal"
# A pending entry idle this long is read again by whoever looks next (see module doc).
RECLAIM_IDLE_MS = 30_000
READ_COUNT = 100
# Cap on a stream nobody reads (approximate: Redis trims whole nodes).
MAX_STREAM_LENGTH = 10_000

# Queue a suborder once: SADD claims it, XADD queues it and HSET remembers the entry id,
# in one atomic server-side step (a worker killed in between cannot leave it claimed
# but never queued).
_ENQUEUE_ONCE = """
if redis.call('SADD', KEYS[2], ARGV[1]) == 1 then
  local entry = redis.call('XADD', KEYS[1], 'MAXLEN', '~', ARGV[3], '*',
                           'suborder_id', ARGV[1], 'order_id', ARGV[2])
  redis.call('HSET', KEYS[3], ARGV[1], entry)
  return entry
end
return false
"""

# Trim the stream (KEYS[1]) below the oldest entry a consumer group still needs: its
# oldest pending entry, else its last delivered one (pending entries were delivered,
# so they are never above it). Undelivered entries are above every floor and stay.
_TRIM = """
local function older(a, b)
  local ams, aseq = string.match(a, '(%d+)-(%d+)')
  local bms, bseq = string.match(b, '(%d+)-(%d+)')
  ams, aseq, bms, bseq = tonumber(ams), tonumber(aseq), tonumber(bms), tonumber(bseq)
  return ams < bms or (ams == bms and aseq < bseq)
end
local function trim(stream)
  if redis.call('EXISTS', stream) == 0 then
    return 0
  end
  local floor = nil
  for _, group in ipairs(redis.call('XINFO', 'GROUPS', stream)) do
    local name, needed = nil, nil
    for i = 1, #group, 2 do
      if group[i] == 'name' then name = group[i + 1] end
      if group[i] == 'last-delivered-id' then needed = group[i + 1] end
    end
    local pending = redis.call('XPENDING', stream, name)
    if pending[1] > 0 then needed = pending[2] end
    if floor == nil or older(needed, floor) then floor = needed end
  end
  if floor == nil then
    return 0
  end
  return redis.call('XTRIM', stream, 'MINID', floor)
end
"""

# Acknowledge a suborder's entry by suborder id, forget the id, trim: one atomic step.
_ACK_SUBORDER = (
    _TRIM
    + """
local entry = redis.call('HGET', KEYS[3], ARGV[2])
redis.call('SREM', KEYS[2], ARGV[2])
if not entry then
  return false
end
redis.call('XACK', KEYS[1], ARGV[1], entry)
redis.call('HDEL', KEYS[3], ARGV[2])
trim(KEYS[1])
return entry
"""
)

# Acknowledge entries read through the group (ARGV: group, then entry id / suborder id
# pairs), forget their suborders, trim. Returns how many were acknowledged.
_ACK_ENTRIES = (
    _TRIM
    + """
local acked = 0
for i = 2, #ARGV, 2 do
  acked = acked + redis.call('XACK', KEYS[1], ARGV[1], ARGV[i])
  redis.call('HDEL', KEYS[3], ARGV[i + 1])
  redis.call('SREM', KEYS[2], ARGV[i + 1])
end
trim(KEYS[1])
return acked
"""
)


# A warehouse's three keys are used together (the scripts above take all three as
# KEYS), so they share the hash tag `{wh:<warehouseID>}`: one Redis Cluster slot
# (docs/scaling.md, "Redis Cluster").


def warehouse_tag(warehouse_id: int) -> str:
    return f"{{wh:{warehouse_id}}}"


def stream_key(warehouse_id: int) -> str:
    return f"warehouse:{warehouse_tag(warehouse_id)}:suborders"


def queued_key(warehouse_id: int) -> str:
    return f"warehouse:{warehouse_tag(warehouse_id)}:queued"


def entries_key(warehouse_id: int) -> str:
    """Hash suborder id -> stream entry id, for suborders not acknowledged yet."""
    return f"warehouse:{warehouse_tag(warehouse_id)}:entries"


def queue_keys(warehouse_id: int) -> list[str]:
    """Every script's KEYS: KEYS[1] the stream, KEYS[2] the queued set, KEYS[3] the
    entry hash."""
    return [stream_key(warehouse_id), queued_key(warehouse_id), entries_key(warehouse_id)]


@dataclass(frozen=True)
class QueueEntry:
    entry_id: str
    suborder_id: str
    order_id: str


@dataclass(frozen=True)
class QueueRead:
    new: tuple[QueueEntry, ...]  # never delivered to the group before
    reclaimed: tuple[QueueEntry, ...]  # pending and idle: read again

    @property
    def entries(self) -> tuple[QueueEntry, ...]:
        return self.new + self.reclaimed


class WarehouseQueue:
    def __init__(self, client: redis.Redis, *, max_len: int = MAX_STREAM_LENGTH) -> None:
        self._redis = client
        self._max_len = max_len

    def enqueue(self, warehouse_id: int, suborder_id: str, order_id: str) -> str | None:
        """Queue the suborder on its warehouse's stream unless it already is.

        The consumer group is created from the stream's start, so nothing queued before
        the portal first reads is missed. Returns the new entry id, or None when the
        suborder was queued before (a retried activity).
        """
        stream = stream_key(warehouse_id)
        self._ensure_group(stream)
        entry = self._redis.eval(
            _ENQUEUE_ONCE,
            3,
            *queue_keys(warehouse_id),
            suborder_id,
            order_id,
            self._max_len,
        )
        return _text(entry) or None

    def read(
        self,
        warehouse_id: int,
        consumer: str,
        *,
        count: int = READ_COUNT,
        reclaim_idle_ms: int = RECLAIM_IDLE_MS,
    ) -> QueueRead:
        """What arrived since the group last read (XREADGROUP >), plus pending entries
        idle for `reclaim_idle_ms` (XAUTOCLAIM), both now pending on `consumer`."""
        stream = stream_key(warehouse_id)
        try:
            new = self._read_new(stream, consumer, count)
        except redis.ResponseError as error:
            if "NOGROUP" not in str(error):
                raise
            self._ensure_group(stream)  # nothing was ever queued here
            new = self._read_new(stream, consumer, count)
        claimed = self._redis.xautoclaim(
            stream, CONSUMER_GROUP, consumer, reclaim_idle_ms, start_id="0-0", count=count
        )
        seen = {entry.entry_id for entry in new}
        reclaimed = tuple(entry for entry in _entries(claimed[1]) if entry.entry_id not in seen)
        return QueueRead(new, reclaimed)

    def ack_suborder(self, warehouse_id: int, suborder_id: str) -> bool:
        """The suborder was handled: acknowledge its entry. False if there was none
        pending (never queued, or acknowledged before): acknowledging twice is harmless."""
        entry = self._redis.eval(
            _ACK_SUBORDER,
            3,
            *queue_keys(warehouse_id),
            CONSUMER_GROUP,
            suborder_id,
        )
        return entry is not None

    def ack_entries(self, warehouse_id: int, entries: list[QueueEntry]) -> int:
        """Acknowledge entries read with `read` (their suborders were handled)."""
        if not entries:
            return 0
        pairs = [part for e in entries for part in (e.entry_id, e.suborder_id)]
        acked = self._redis.eval(
            _ACK_ENTRIES,
            3,
            *queue_keys(warehouse_id),
            CONSUMER_GROUP,
            *pairs,
        )
        return int(acked)

    def pending_count(self, warehouse_id: int) -> int:
        """Entries delivered to the group and not acknowledged yet."""
        try:
            summary = self._redis.xpending(stream_key(warehouse_id), CONSUMER_GROUP)
        except redis.ResponseError as error:
            if "NOGROUP" in str(error):
                return 0
            raise
        return int(summary["pending"])

    def _read_new(self, stream: str, consumer: str, count: int) -> tuple[QueueEntry, ...]:
        answer = self._redis.xreadgroup(CONSUMER_GROUP, consumer, {stream: ">"}, count=count)
        if not answer:
            return ()
        if isinstance(answer, dict):  # RESP3 answers a map
            return _entries(next(iter(answer.values()))[0])
        return _entries(answer[0][1])

    def _ensure_group(self, stream: str) -> None:
        try:
            self._redis.xgroup_create(stream, CONSUMER_GROUP, id="0", mkstream=True)
        except redis.ResponseError as error:
            if "BUSYGROUP" not in str(error):
                raise


def _entries(raw: list) -> tuple[QueueEntry, ...]:
    entries = []
    for entry_id, fields in raw:
        if entry_id is None or not fields:  # deleted from the stream meanwhile
            continue
        values = {_text(k): _text(v) for k, v in fields.items()}
        entries.append(
            QueueEntry(_text(entry_id), values.get("suborder_id", ""), values.get("order_id", ""))
        )
    return tuple(entries)


def _text(value: object) -> str:
    if isinstance(value, bytes):
        return value.decode()
    return "" if value is None else str(value)
