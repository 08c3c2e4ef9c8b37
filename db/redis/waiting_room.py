"""The waiting room's line in Redis: one sorted set of tickets per item, in join order.

Every key of one item carries the hash tag `{wr:<itemID>}` (one Redis Cluster slot,
docs/scaling.md, "Redis Cluster"), and every script below is handed all of them through
KEYS (`ItemKeys.all`), never a name built inside the script, so each runs atomically
on whichever node holds the item:

    wr:{wr:N}:queue    ZSET  ticketID -> join sequence     (WAITING tickets, FCFS)
    wr:{wr:N}:out      ZSET  ticketID -> deadline (ms)     (admitted, not yet settled)
    wr:{wr:N}:seq      INCR  join sequence
    wr:{wr:N}:soldout  "1" while the item is sold out (new joins are told at once)
    wr:{wr:N}:admits   LIST  recent admission times (ms), newest first: the observed rate
    wr:{wr:N}:tickets  HASH  "<ticketID>:<field>" -> value, fields `TICKET_FIELDS`
    wr:{wr:N}:users    HASH  userID -> the user's latest ticket (joining twice returns it)
    wr:{wr:N}:expiry   ZSET  ticketID -> when it is forgotten (ms, a day after joining)

A ticket's fields live in the item's one `tickets` hash rather than a key per ticket, so
that a script that walks the line (admit, settle, sell out) touches only keys it was
given. Tickets are forgotten a day after joining: joins and the admitter's settle step
(the admitter: WaitingRoomWorkflow's one activity, activities/waiting_room.py) drop up to `PRUNE_BATCH` expired ones each (`expiry`), which bounds the hash as a key TTL
per ticket did before.

Whenever the line moves (admissions, lapsed admissions, a sell-out, the item switched
off) the script that moved it publishes the item id on the pub/sub channel `wr:moved`
(`MOVED_CHANNEL`), in the same atomic step: the web's ticket streams (web/live/tickets.py)
hold one subscription per process and re-read the places of the tickets they show.

A ticket is admitted into `out` with its window's deadline. The web claims it
(ADMITTED -> BEGINNING) before BEGIN and marks it BEGUN once the stock is held (score
0: settled on the admitter's next tick). Only the admitter removes tickets from
`out` (`settle`), and it does so *before* it reads the stock, so a ticket's units are
counted either as outstanding or as held, never as neither: admission can never
promise more units than are left.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Any

import redis

from db.redis.waiting_room_keys import (
    SCRIPT_KEYS,
    TICKET_FIELDS,
    item_keys,
    ticket_fields,
)
from domain.waiting_room import TicketState

TICKET_TTL_SECONDS = 86_400
ADMITS_KEPT = 50
# Expired tickets forgotten per join or settle step (bounded work inside one script).
PRUNE_BATCH = 100
# A BEGIN that claimed a ticket has this long to hold the stock (the checkout client
# gives up after 40 s); after it the claim counts as begun (any hold shows in stock).
CLAIM_MS = 60_000
# Pub/sub channel, message = the item id: the item's line moved (published by the scripts).
MOVED_CHANNEL = "wr:moved"


def ticket_id_for(item_id: int) -> str:
    return f"{item_id}-{uuid.uuid4().hex}"


def item_of_ticket(ticket_id: str) -> int | None:
    """The item a ticket id belongs to, or None for anything that is not a ticket id."""
    head, sep, tail = ticket_id.partition("-")
    if not sep or len(tail) != 32 or not head.isdigit() or len(head) > 12:
        return None
    if any(c not in "0123456789abcdef" for c in tail):
        return None
    return int(head)


@dataclass(frozen=True)
class Ticket:
    ticket_id: str
    item_id: int
    user_id: int
    quantity: int
    state: TicketState
    seq: int
    joined_at_ms: int
    admitted_until_ms: int | None
    checkout_id: str | None
    position: int | None  # 1 = next in line; None unless WAITING


# Every script starts with this: its keys by name, all from KEYS (`ItemKeys.all`), and
# helpers that read and write one ticket's fields in the `tickets` hash.
_KEYS_HEADER = (
    "local "
    + ", ".join(SCRIPT_KEYS)
    + " = unpack(KEYS)\n"
    + """
local function tget(tid, f) return redis.call('HGET', tickets, tid .. ':' .. f) end
local function tset(tid, ...)
  local args = {...}
  for i = 1, #args, 2 do args[i] = tid .. ':' .. args[i] end
  redis.call('HSET', tickets, unpack(args))
end
local function moved() redis.call('PUBLISH', '%CHANNEL%', string.match(queue, '{wr:(%d+)}')) end
local function prune(now)
  for _, tid in ipairs(redis.call('ZRANGEBYSCORE', expiry, '-inf', now, 'LIMIT', 0, %BATCH%)) do
    local user = tget(tid, 'user')
    if user and redis.call('HGET', users, user) == tid then redis.call('HDEL', users, user) end
    local fields = {}
    for _, f in ipairs({%FIELDS%}) do fields[#fields + 1] = tid .. ':' .. f end
    redis.call('HDEL', tickets, unpack(fields))
    redis.call('ZREM', queue, tid)
    redis.call('ZREM', out, tid)
    redis.call('ZREM', expiry, tid)
  end
end
""".replace("%CHANNEL%", MOVED_CHANNEL)
    .replace("%BATCH%", str(PRUNE_BATCH))
    .replace("%FIELDS%", ", ".join(f"'{name}'" for name in TICKET_FIELDS))
)

# ARGV: user, qty, now_ms, new ticket, ttl (s), after_used -> {ticket, 1 if new}
_JOIN = """
local user, qty, now, new_tid, ttl = ARGV[1], tonumber(ARGV[2]), tonumber(ARGV[3]), ARGV[4], ARGV[5]
prune(now)
local tid = redis.call('HGET', users, user)
if tid then
  local st = tget(tid, 'state')
  if st == 'WAITING' or st == 'ADMITTED' or st == 'BEGINNING' then return {tid, 0} end
  if st == 'BEGUN' and ARGV[6] ~= '1' then return {tid, 0} end
  if st == 'SOLD_OUT' and redis.call('EXISTS', soldout) == 1 then return {tid, 0} end
end
local state = 'WAITING'
if redis.call('EXISTS', soldout) == 1 then state = 'SOLD_OUT' end
local n = redis.call('INCR', seq)
tset(new_tid, 'user', user, 'qty', qty, 'state', state, 'seq', n, 'joinedAt', now)
redis.call('ZADD', expiry, now + 1000 * tonumber(ttl), new_tid)
redis.call('HSET', users, user, new_tid)
if state == 'WAITING' then redis.call('ZADD', queue, n, new_tid) end
return {new_tid, 1}
"""

# ARGV: ticket, user, now_ms, claim_ms -> the state before (CLAIMED on success)
_CLAIM = """
local tid, user, now = ARGV[1], ARGV[2], tonumber(ARGV[3])
if tget(tid, 'user') ~= user then return 'NOT_FOUND' end
local st = tget(tid, 'state')
if st ~= 'ADMITTED' then return st end
if tonumber(tget(tid, 'admittedUntil')) < now then return 'LAPSED' end
tset(tid, 'state', 'BEGINNING')
redis.call('ZADD', out, now + tonumber(ARGV[4]), tid)
return 'CLAIMED'
"""

# ARGV: ticket, checkoutID -> 1 when the claim became BEGUN
_BEGUN = """
local tid = ARGV[1]
if tget(tid, 'state') ~= 'BEGINNING' then return 0 end
tset(tid, 'state', 'BEGUN', 'checkoutID', ARGV[2])
if redis.call('ZSCORE', out, tid) then redis.call('ZADD', out, 0, tid) end
return 1
"""

# A BEGIN that held nothing gives the admission back for the rest of its window.
_UNCLAIM = """
local tid = ARGV[1]
if tget(tid, 'state') ~= 'BEGINNING' then return 0 end
tset(tid, 'state', 'ADMITTED')
if redis.call('ZSCORE', out, tid) then
  redis.call('ZADD', out, tget(tid, 'admittedUntil'), tid)
end
return 1
"""

# The admitter, step 1: admitted windows that lapsed expire; begun tickets leave `out`
# (their hold is in the stock now). Returns {expired, outstanding units left}.
_SETTLE = """
local now = tonumber(ARGV[1])
prune(now)
local expired = 0
for _, tid in ipairs(redis.call('ZRANGEBYSCORE', out, '-inf', now)) do
  local st = tget(tid, 'state')
  if st == 'ADMITTED' then
    tset(tid, 'state', 'EXPIRED')
    expired = expired + 1
  elseif st == 'BEGINNING' then
    tset(tid, 'state', 'BEGUN')
  end
  redis.call('ZREM', out, tid)
end
if expired > 0 then moved() end
local units = 0
for _, tid in ipairs(redis.call('ZRANGE', out, 0, -1)) do
  units = units + (tonumber(tget(tid, 'qty')) or 0)
end
return {expired, units}
"""

# The admitter, step 2: admit from the head, first come first served, at most ARGV[2]
# tickets and ARGV[3] units; stop at the first that does not fit (no overtaking).
_ADMIT = """
local now, max_tickets, units = tonumber(ARGV[1]), tonumber(ARGV[2]), tonumber(ARGV[3])
local window = tonumber(ARGV[4])
local admitted = {}
while #admitted < max_tickets do
  local head = redis.call('ZRANGE', queue, 0, 0)
  if #head == 0 then break end
  local tid = head[1]
  local qty = tonumber(tget(tid, 'qty'))
  if not qty then
    redis.call('ZREM', queue, tid)  -- a ticket that was forgotten
  else
    if qty > units then break end
    redis.call('ZREM', queue, tid)
    tset(tid, 'state', 'ADMITTED', 'admittedAt', now, 'admittedUntil', now + window)
    redis.call('ZADD', out, now + window, tid)
    redis.call('LPUSH', admits, now)
    units = units - qty
    admitted[#admitted + 1] = tid
  end
end
redis.call('LTRIM', admits, 0, tonumber(ARGV[5]) - 1)
if #admitted > 0 then moved() end
return admitted
"""

# Every waiting ticket is told SOLD_OUT; later joins are told at once.
_SELL_OUT = """
local tids = redis.call('ZRANGE', queue, 0, -1)
for _, tid in ipairs(tids) do tset(tid, 'state', 'SOLD_OUT') end
redis.call('DEL', queue)
redis.call('SET', soldout, '1')
if #tids > 0 then moved() end
return #tids
"""

# The item is no longer hot: everyone waiting is admitted (the normal checkout decides).
_RELEASE_ALL = """
local now, window = tonumber(ARGV[1]), tonumber(ARGV[2])
local tids = redis.call('ZRANGE', queue, 0, -1)
for _, tid in ipairs(tids) do
  tset(tid, 'state', 'ADMITTED', 'admittedAt', now, 'admittedUntil', now + window)
end
redis.call('DEL', queue, out, soldout)
if #tids > 0 then moved() end
return #tids
"""

SCRIPTS = {
    name: _KEYS_HEADER + script
    for name, script in {
        "join": _JOIN,
        "claim": _CLAIM,
        "begun": _BEGUN,
        "unclaim": _UNCLAIM,
        "settle": _SETTLE,
        "admit": _ADMIT,
        "sell_out": _SELL_OUT,
        "release_all": _RELEASE_ALL,
    }.items()
}


class WaitingRoom:
    """The line of every waiting room, on one Redis client (or a Redis Cluster client)."""

    def __init__(self, client: redis.Redis) -> None:
        self._redis = client
        self._scripts = {name: client.register_script(code) for name, code in SCRIPTS.items()}

    def _run(self, script: str, item_id: int, *args: object) -> Any:
        return self._scripts[script](keys=item_keys(item_id).all, args=list(args))

    # --- shoppers -------------------------------------------------------------------

    def join(
        self, item_id: int, user_id: int, quantity: int, now_ms: int, *, after_used: bool = False
    ) -> tuple[Ticket, bool]:
        """The shopper's place in line (the one they have, if still in line); True if new.

        A used (BEGUN) admission is returned too, so its checkout can be found again;
        `after_used` joins anew behind it (its checkout is over).
        """
        tid, created = self._run(
            "join",
            item_id,
            user_id,
            quantity,
            now_ms,
            ticket_id_for(item_id),
            TICKET_TTL_SECONDS,
            "1" if after_used else "0",
        )
        ticket = self.ticket(tid.decode())
        assert ticket is not None
        return ticket, bool(created)

    def ticket(self, ticket_id: str) -> Ticket | None:
        item_id = item_of_ticket(ticket_id)
        if item_id is None:
            return None
        keys = item_keys(item_id)
        with self._redis.pipeline(transaction=True) as pipe:
            pipe.hmget(keys.tickets, ticket_fields(ticket_id))
            pipe.zrank(keys.queue, ticket_id)
            raw, rank = pipe.execute()
        fields = {
            name: value.decode()
            for name, value in zip(TICKET_FIELDS, raw, strict=True)
            if value is not None
        }
        if "state" not in fields:
            return None
        state = TicketState(fields["state"])
        until = fields.get("admittedUntil")
        return Ticket(
            ticket_id=ticket_id,
            item_id=item_id,
            user_id=int(fields["user"]),
            quantity=int(fields["qty"]),
            state=state,
            seq=int(fields["seq"]),
            joined_at_ms=int(fields["joinedAt"]),
            admitted_until_ms=int(until) if until else None,
            checkout_id=fields.get("checkoutID"),
            position=rank + 1 if state is TicketState.WAITING and rank is not None else None,
        )

    def claim(self, ticket_id: str, user_id: int, now_ms: int) -> str:
        """ADMITTED -> BEGINNING for its owner: 'CLAIMED', or why not (the state, 'LAPSED',
        'NOT_FOUND')."""
        item_id = item_of_ticket(ticket_id)
        if item_id is None:
            return "NOT_FOUND"
        answer = self._run("claim", item_id, ticket_id, user_id, now_ms, CLAIM_MS)
        return answer.decode()

    def begun(self, ticket_id: str, checkout_id: str) -> bool:
        item_id = item_of_ticket(ticket_id)
        assert item_id is not None
        return bool(self._run("begun", item_id, ticket_id, checkout_id))

    def unclaim(self, ticket_id: str) -> bool:
        item_id = item_of_ticket(ticket_id)
        assert item_id is not None
        return bool(self._run("unclaim", item_id, ticket_id))

    def admission_times(self, item_id: int) -> list[int]:
        return [int(t) for t in self._redis.lrange(item_keys(item_id).admits, 0, -1)]

    # --- the admitter ---------------------------------------------------------------

    def settle(self, item_id: int, now_ms: int) -> tuple[int, int]:
        """Expire lapsed admissions, drop begun ones: (expired, outstanding units)."""
        expired, units = self._run("settle", item_id, now_ms)
        return int(expired), int(units)

    def admit(
        self, item_id: int, *, tickets: int, units: int, now_ms: int, window_ms: int
    ) -> list[str]:
        if tickets <= 0 or units <= 0:
            return []
        admitted = self._run("admit", item_id, now_ms, tickets, units, window_ms, ADMITS_KEPT)
        return [tid.decode() for tid in admitted]

    def sell_out(self, item_id: int) -> int:
        return int(self._run("sell_out", item_id))

    def back_in_stock(self, item_id: int) -> None:
        self._redis.delete(item_keys(item_id).soldout)

    def is_sold_out(self, item_id: int) -> bool:
        return bool(self._redis.exists(item_keys(item_id).soldout))

    def release_all(self, item_id: int, now_ms: int, window_ms: int) -> int:
        return int(self._run("release_all", item_id, now_ms, window_ms))

    def counts(self, item_id: int) -> tuple[int, int]:
        """(waiting, admitted not yet settled)."""
        keys = item_keys(item_id)
        with self._redis.pipeline(transaction=False) as pipe:
            pipe.zcard(keys.queue)
            pipe.zcard(keys.out)
            waiting, out = pipe.execute()
        return int(waiting), int(out)
