"""Redis stays bounded as suborders flow through a warehouse's queue: 10,000 suborders
queued, read by the portal and handled leave Redis holding what it held after the
first thousand. Measured with MEMORY USAGE / XLEN / SCARD / HLEN, never with a clock."""

from __future__ import annotations

import pytest
import redis

from db.redis.warehouse_queue import WarehouseQueue, entries_key, queued_key, stream_key

pytestmark = pytest.mark.integration

SUBORDERS = 10_000
BATCH = 100  # the portal's one look: read what arrived, handle it


def footprint(client: redis.Redis, warehouse: int) -> dict[str, int]:
    keys = (stream_key(warehouse), queued_key(warehouse), entries_key(warehouse))
    return {
        "bytes": sum(client.memory_usage(key, samples=0) or 0 for key in keys),
        "stream": client.xlen(keys[0]),
        "queued": client.scard(keys[1]),
        "entries": client.hlen(keys[2]),
    }


def test_memory_stays_flat_over_ten_thousand_handled_suborders(redis_client, warehouse):
    queue = WarehouseQueue(redis_client)
    seen: list[dict[str, int]] = []
    for start in range(0, SUBORDERS, BATCH):
        for n in range(start, start + BATCH):
            queue.enqueue(warehouse, f"o{n}-S1", f"o{n}")
        read = queue.read(warehouse, "web-a")
        assert len(read.new) == BATCH
        # Half shipped from their row (by suborder id), half handled as the portal
        # acknowledges what it found no longer waiting (by entry).
        shipped, handled = read.new[: BATCH // 2], list(read.new[BATCH // 2 :])
        for entry in shipped:
            assert queue.ack_suborder(warehouse, entry.suborder_id)
        assert queue.ack_entries(warehouse, handled) == len(handled)
        if (start + BATCH) % 1_000 == 0:
            seen.append(footprint(redis_client, warehouse))

    after_first_thousand, at_the_end = seen[0], seen[-1]
    assert at_the_end["queued"] == at_the_end["entries"] == 0
    assert at_the_end["stream"] <= 1  # at most the last delivered entry, kept as the floor
    assert at_the_end["bytes"] <= after_first_thousand["bytes"] * 1.1 + 1_024, seen
    assert queue.pending_count(warehouse) == 0


def test_suborders_still_waiting_stay_in_the_stream_and_the_rest_is_trimmed(
    redis_client, warehouse
):
    queue = WarehouseQueue(redis_client)
    for n in range(300):
        queue.enqueue(warehouse, f"o{n}-S1", f"o{n}")
    read = queue.read(warehouse, "web-a", count=200)  # 200 delivered, 100 not yet read
    waiting = read.new[50]  # one parcel not shipped yet
    queue.ack_entries(warehouse, [e for e in read.new if e != waiting])

    # The stream starts at the oldest entry still needed; nothing unread was dropped.
    kept = redis_client.xrange(stream_key(warehouse))
    assert kept[0][0].decode() == waiting.entry_id
    assert len(kept) == 250  # 50..199 (delivered, at or above the floor) + 200..299 (unread)
    assert [e.suborder_id for e in queue.read(warehouse, "web-b", count=500).new] == [
        f"o{n}-S1" for n in range(200, 300)
    ]
    assert queue.pending_count(warehouse) == 101


def test_without_acknowledgements_the_same_load_grows_redis(redis_client, warehouse):
    """The control: the measure above is sensitive to the growth it rules out."""
    queue = WarehouseQueue(redis_client)
    for n in range(2_000):
        queue.enqueue(warehouse, f"o{n}-S1", f"o{n}")
        if n == 999:
            early = footprint(redis_client, warehouse)
    late = footprint(redis_client, warehouse)
    assert late["bytes"] > early["bytes"] * 1.5
    assert late["queued"] == late["entries"] == 2_000


def test_a_stream_nobody_reads_is_capped(redis_client, warehouse):
    queue = WarehouseQueue(redis_client, max_len=500)
    for n in range(3_000):
        queue.enqueue(warehouse, f"o{n}-S1", f"o{n}")
    # MAXLEN ~ trims whole nodes (100 entries by default): about the cap, never 3,000.
    assert 500 <= redis_client.xlen(stream_key(warehouse)) < 700
