"""Keys used together share a Redis Cluster slot, and every script is handed its keys.

Redis Cluster runs a script, a MULTI or a multi-key command only when all its keys hash
to one slot, and routes a script by the keys it declares (docs/scaling.md, "Redis
Cluster"). Here on fakeredis: each feature's key builder gives one slot per group, and
every script, run through its feature's real code, touches only keys passed in KEYS
(the scripts are rewritten so each `redis.call` first checks its key arguments).
"""

from __future__ import annotations

import hashlib
import re
from pathlib import Path

import fakeredis
import pytest
from redis.crc import key_slot

from db.redis.waiting_room import SCRIPTS, WaitingRoom
from db.redis.waiting_room_keys import item_keys
from db.redis.warehouse_queue import QueueEntry, WarehouseQueue, queue_keys

pytestmark = pytest.mark.unit

ROOT = Path(__file__).resolve().parents[2]
# Every module that runs a Lua script; each is exercised below.
SCRIPTED_MODULES = {"db/redis/waiting_room.py", "db/redis/warehouse_queue.py"}

# Where a command's keys are among its arguments (1-based); the default is the first.
_CHECK_KEYS = """
local __declared = {}
for _, k in ipairs(KEYS) do __declared[k] = true end
local __where = {DEL = 'all', EXISTS = 'all', PUBLISH = 'none', XINFO = 2}
local function __checked(cmd, ...)
  local args = {...}
  local where = __where[string.upper(cmd)] or 1
  local keys = {}
  if where == 'all' then keys = args elseif where ~= 'none' then keys = {args[where]} end
  for _, k in ipairs(keys) do
    if not __declared[k] then error('key not in KEYS: ' .. tostring(k)) end
  end
  return redis.call(cmd, ...)
end
"""


def checked(script: str | bytes) -> str:
    text = script.decode() if isinstance(script, bytes) else script
    return _CHECK_KEYS + text.replace("redis.call(", "__checked(")


def sha1(script: str) -> str:
    return hashlib.sha1(script.encode()).hexdigest()


def slot_of(keys) -> set[int]:
    return {key_slot(k.encode() if isinstance(k, str) else k) for k in keys}


class CheckingRedis(fakeredis.FakeRedis):
    """Runs every script with its key arguments checked against KEYS, and refuses a
    script call whose KEYS are empty or span slots (what Redis Cluster refuses)."""

    scripts_run: list[tuple[str, ...]]  # the KEYS of each call
    shas_run: set[str]

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.scripts_run, self.shas_run = [], set()

    def register_script(self, script):
        return super().register_script(checked(script))

    def eval(self, script, numkeys, *keys_and_args):
        self._note(keys_and_args[:numkeys])
        return super().eval(checked(script), numkeys, *keys_and_args)

    def evalsha(self, sha, numkeys, *keys_and_args):
        self._note(keys_and_args[:numkeys])
        self.shas_run.add(sha)
        return super().evalsha(sha, numkeys, *keys_and_args)

    def _note(self, keys) -> None:
        assert keys, "a script called without KEYS cannot be routed by Redis Cluster"
        assert len(slot_of(keys)) == 1, f"a script's KEYS span slots: {keys}"
        self.scripts_run.append(tuple(str(k) for k in keys))


def test_an_items_waiting_room_keys_share_one_slot_and_items_spread_over_many():
    for item_id in (1, 42, 950_001, 10**11):
        keys = item_keys(item_id)
        group = [*keys.all, keys.lock, keys.workflow_checked]
        assert len(slot_of(group)) == 1, group
    assert len(slot_of(item_keys(i).queue for i in range(1, 201))) > 150


def test_a_warehouses_queue_keys_share_one_slot_and_warehouses_spread_over_many():
    for warehouse_id in (1, 7, 8_000_000):
        assert len(slot_of(queue_keys(warehouse_id))) == 1, queue_keys(warehouse_id)
    assert len(slot_of(queue_keys(w)[0] for w in range(1, 201))) > 150


def test_every_waiting_room_script_touches_only_its_keys():
    client = CheckingRedis()
    room = WaitingRoom(client)
    first, _ = room.join(42, user_id=1, quantity=1, now_ms=1_000)
    room.join(42, user_id=1, quantity=1, now_ms=1_001)  # the same ticket again
    room.join(42, user_id=2, quantity=2, now_ms=1_002)
    room.settle(42, now_ms=2_000)
    assert room.admit(42, tickets=1, units=1, now_ms=2_000, window_ms=60_000) == [first.ticket_id]
    assert room.claim(first.ticket_id, 1, now_ms=3_000) == "CLAIMED"
    assert room.unclaim(first.ticket_id)
    assert room.claim(first.ticket_id, 1, now_ms=3_000) == "CLAIMED"
    assert room.begun(first.ticket_id, "checkout-1")
    assert room.sell_out(42) == 1
    room.back_in_stock(42)
    room.join(42, user_id=3, quantity=1, now_ms=4_000)
    assert room.release_all(42, now_ms=5_000, window_ms=60_000) == 1
    assert client.shas_run == {sha1(checked(code)) for code in SCRIPTS.values()}
    assert all(keys == tuple(item_keys(42).all) for keys in client.scripts_run)


def test_a_ticket_is_forgotten_a_day_after_joining():
    client = CheckingRedis()
    room = WaitingRoom(client)
    old, _ = room.join(42, user_id=1, quantity=1, now_ms=1_000)
    room.join(42, user_id=2, quantity=1, now_ms=2_000)
    room.admit(42, tickets=1, units=1, now_ms=2_000, window_ms=60_000)

    latest, _ = room.join(42, user_id=3, quantity=1, now_ms=2_000 + 86_400_000)

    assert room.ticket(old.ticket_id) is None
    assert room.counts(42) == (1, 0)
    tickets = {field.split(b":")[0] for field in client.hkeys(item_keys(42).tickets)}
    assert tickets == {latest.ticket_id.encode()}
    assert client.hkeys(item_keys(42).users) == [b"3"]


def test_every_warehouse_queue_script_touches_only_its_keys():
    client = CheckingRedis()
    queue = WarehouseQueue(client)
    queue.enqueue(7, "s-1", "o-1")
    queue.enqueue(7, "s-1", "o-1")  # a retried activity
    queue.enqueue(7, "s-2", "o-1")
    read = queue.read(7, "portal-1")
    assert queue.ack_suborder(7, "s-1")
    assert queue.ack_entries(7, [e for e in read.entries if e.suborder_id == "s-2"]) == 1
    assert queue.ack_entries(7, [QueueEntry("1-0", "s-9", "o-9")]) == 0
    assert len(client.scripts_run) == 6  # three enqueues, three acknowledgements
    assert all(keys == tuple(queue_keys(7)) for keys in client.scripts_run)


def test_the_check_refuses_a_script_that_names_a_key_of_its_own():
    client = CheckingRedis()
    with pytest.raises(Exception, match="key not in KEYS"):
        client.eval("return redis.call('GET', KEYS[1] .. ':other')", 1, "wr:{wr:1}:queue")
    with pytest.raises(AssertionError, match="span slots"):
        client.eval("return 1", 2, "wr:{wr:1}:queue", "wr:{wr:2}:queue")


def test_every_module_that_runs_a_script_is_checked_here():
    calls = re.compile(r"\.(register_script|eval|evalsha|eval_ro|evalsha_ro|fcall)\(")
    found = {
        str(path.relative_to(ROOT))
        for folder in ("db", "web", "activities", "entrypoints", "workflows", "stack")
        for path in (ROOT / folder).rglob("*.py")
        if calls.search(path.read_text())
    }
    assert found == SCRIPTED_MODULES
