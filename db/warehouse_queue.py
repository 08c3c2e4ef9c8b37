"""The durable queue of suborders per warehouse: one Redis stream each.

The fulfilment activity writes to it; the warehouse portal reads it through the
consumer group "portal" and acknowledges what it has handled.
"""

from __future__ import annotations

import redis

CONSUMER_GROUP = "portal"

# Queue a suborder once: SADD claims it, XADD queues it, in one atomic server-side step
# (a worker killed between the two cannot leave it claimed but never queued).
_ENQUEUE_ONCE = """
if redis.call('SADD', KEYS[2], ARGV[1]) == 1 then
  return redis.call('XADD', KEYS[1], '*', 'suborder_id', ARGV[1], 'order_id', ARGV[2])
end
return false
"""


def stream_key(warehouse_id: int) -> str:
    return f"warehouse:{warehouse_id}:suborders"


def queued_key(warehouse_id: int) -> str:
    return f"warehouse:{warehouse_id}:queued"


class WarehouseQueue:
    def __init__(self, client: redis.Redis) -> None:
        self._redis = client

    def enqueue(self, warehouse_id: int, suborder_id: str, order_id: str) -> str | None:
        """Queue the suborder on its warehouse's stream unless it already is.

        The consumer group is created from the stream's start, so nothing queued before
        the portal first reads is missed. Returns the new entry id, or None when the
        suborder was queued before (a retried activity).
        """
        stream = stream_key(warehouse_id)
        try:
            self._redis.xgroup_create(stream, CONSUMER_GROUP, id="0", mkstream=True)
        except redis.ResponseError as error:
            if "BUSYGROUP" not in str(error):
                raise
        entry = self._redis.eval(
            _ENQUEUE_ONCE, 2, stream, queued_key(warehouse_id), suborder_id, order_id
        )
        if isinstance(entry, bytes):
            entry = entry.decode()
        return entry or None
