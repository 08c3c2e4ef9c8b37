"""The warehouse queue stream against a real Redis: queued once, read once as new
through the "portal" group, reclaimed from a reader that vanished, acknowledged once."""

from __future__ import annotations

import pytest

from db.redis.warehouse_queue import CONSUMER_GROUP, WarehouseQueue, stream_key

pytestmark = pytest.mark.integration


def test_a_suborder_is_queued_once_however_often_the_activity_retries(redis_client, warehouse):
    queue = WarehouseQueue(redis_client)

    first = queue.enqueue(warehouse, "o1-S1", "o1")
    again = queue.enqueue(warehouse, "o1-S1", "o1")

    assert first and again is None
    assert redis_client.xlen(stream_key(warehouse)) == 1


def test_the_portal_reads_each_new_suborder_once(redis_client, warehouse):
    queue = WarehouseQueue(redis_client)
    queue.enqueue(warehouse, "o1-S1", "o1")
    queue.enqueue(warehouse, "o2-S1", "o2")

    first = queue.read(warehouse, "web-a")
    second = queue.read(warehouse, "web-b")

    assert [(e.suborder_id, e.order_id) for e in first.new] == [("o1-S1", "o1"), ("o2-S1", "o2")]
    assert second.new == () and second.reclaimed == ()
    assert queue.pending_count(warehouse) == 2  # read, not handled yet


def test_entries_a_vanished_reader_left_pending_are_reclaimed(redis_client, warehouse):
    queue = WarehouseQueue(redis_client)
    queue.enqueue(warehouse, "o1-S1", "o1")
    queue.read(warehouse, "web-crashed")

    # An idle threshold of 0 stands for "the crashed reader has been idle long enough".
    taken = queue.read(warehouse, "web-alive", reclaim_idle_ms=0)

    assert taken.new == ()
    assert [e.suborder_id for e in taken.reclaimed] == ["o1-S1"]
    consumers = {
        c["name"].decode(): c["pending"]
        for c in redis_client.xinfo_consumers(stream_key(warehouse), CONSUMER_GROUP)
    }
    assert consumers == {"web-crashed": 0, "web-alive": 1}


def test_a_handled_suborder_is_acknowledged_once(redis_client, warehouse):
    queue = WarehouseQueue(redis_client)
    queue.enqueue(warehouse, "o1-S1", "o1")
    queue.read(warehouse, "web-a")

    assert queue.ack_suborder(warehouse, "o1-S1") is True
    assert queue.ack_suborder(warehouse, "o1-S1") is False
    assert queue.pending_count(warehouse) == 0
    assert queue.read(warehouse, "web-a", reclaim_idle_ms=0).entries == ()


def test_a_suborder_handled_before_the_portal_read_it_still_reaches_the_portal_once(
    redis_client, warehouse
):
    queue = WarehouseQueue(redis_client)
    queue.enqueue(warehouse, "o1-S1", "o1")
    queue.ack_suborder(warehouse, "o1-S1")  # shipped through the API, never read

    late = queue.read(warehouse, "web-a")  # the portal finds it handled and acks it
    acked = queue.ack_entries(warehouse, list(late.entries))

    assert [e.suborder_id for e in late.new] == ["o1-S1"] and acked == 1
    assert queue.pending_count(warehouse) == 0


def test_reading_a_warehouse_that_never_received_anything_is_empty(redis_client, warehouse):
    queue = WarehouseQueue(redis_client)

    assert queue.read(warehouse, "web-a").entries == ()
    assert queue.pending_count(warehouse) == 0
