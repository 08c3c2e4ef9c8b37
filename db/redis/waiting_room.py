"""The waiting room's queue in Redis: one sorted set of tickets per hot item, in join order.

Keys of one item share the hash tag `{wr:<itemID>}` (one Redis Cluster slot), so every
script below touches one slot and runs atomically:

    wr:{N}:queue      ZSET  ticketID -> join sequence     (WAITING tickets, FCFS)
    wr:{N}:out        ZSET  ticketID -> deadline (ms)     (admitted, not yet settled)
    wr:{N}:seq        INCR  join sequence
    wr:{N}:soldout    "1" while the item is sold out (new joins are told at once)
    wr:{N}:admits     LIST  recent admission times (ms), newest first: the observed rate
    wr:{N}:t:<ticket> HASH  item, user, qty, state, seq, joinedAt, admittedAt,
                            admittedUntil, checkoutID
    wr:{N}:u:<userID> the user's latest ticket for the item (joining twice returns it)

Whenever the line moves (admissions, lapsed admissions, a sell-out, the item switched
off) the script that moved it publishes the item id on the pub/sub channel `wr:moved`
(`MOVED_CHANNEL`), in the same atomic step: the web's ticket streams (web/live/tickets.py)
hold one subscription per process and re-read the places of the tickets they show.

A ticket is admitted into `out` with its window's deadline. The web claims it
(ADMITTED -> BEGINNING) before BEGIN and marks it BEGUN once the stock is held (score
0: settled on the gatekeeper's next tick). Only the gatekeeper removes tickets from
`out` (`settle`), and it does so *before* it reads the stock, so a ticket's units are
counted either as outstanding or as held, never as neither: admission can never
promise more units than are left.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass

import redis

from domain.waiting_room import TicketState

TICKET_TTL_SECONDS = 86_400
ADMITS_KEPT = 50
# A BEGIN that claimed a ticket has this long to hold the stock (the checkout client
# gives up after 40 s); after it the claim counts as begun (any hold shows in stock).
CLAIM_MS = 60_000
# Pub/sub channel, message = the item id: the item's line moved (published by the scripts).
MOVED_CHANNEL = "wr:moved"
_PUBLISH_MOVED = "redis.call('PUBLISH', '" + MOVED_CHANNEL + "', string.match(p, '{wr:(%d+)}'))"


def prefix(item_id: int) -> str:
    return f"wr:{{wr:{item_id}}}:"


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


# KEYS: none (all derived from ARGV[1], the key prefix, within one hash slot).
_JOIN = """
local p = ARGV[1]
local user, qty, now, new_tid, ttl = ARGV[2], tonumber(ARGV[3]), ARGV[4], ARGV[5], ARGV[6]
local tid = redis.call('GET', p .. 'u:' .. user)
if tid then
  local st = redis.call('HGET', p .. 't:' .. tid, 'state')
  if st == 'WAITING' or st == 'ADMITTED' or st == 'BEGINNING' then return {tid, 0} end
  if st == 'BEGUN' and ARGV[7] ~= '1' then return {tid, 0} end
  if st == 'SOLD_OUT' and redis.call('EXISTS', p .. 'soldout') == 1 then return {tid, 0} end
end
local state = 'WAITING'
if redis.call('EXISTS', p .. 'soldout') == 1 then state = 'SOLD_OUT' end
local seq = redis.call('INCR', p .. 'seq')
local key = p .. 't:' .. new_tid
redis.call('HSET', key, 'user', user, 'qty', qty, 'state', state, 'seq', seq, 'joinedAt', now)
redis.call('EXPIRE', key, ttl)
redis.call('SET', p .. 'u:' .. user, new_tid, 'EX', ttl)
if state == 'WAITING' then redis.call('ZADD', p .. 'queue', seq, new_tid) end
return {new_tid, 1}
"""

# ARGV: prefix, ticket, user, now_ms, claim_ms -> the state before (CLAIMED on success)
_CLAIM = """
local p, tid, user, now = ARGV[1], ARGV[2], ARGV[3], tonumber(ARGV[4])
local key = p .. 't:' .. tid
local t = redis.call('HMGET', key, 'user', 'state', 'admittedUntil')
if not t[1] or t[1] ~= user then return 'NOT_FOUND' end
if t[2] ~= 'ADMITTED' then return t[2] end
if tonumber(t[3]) < now then return 'LAPSED' end
redis.call('HSET', key, 'state', 'BEGINNING')
redis.call('ZADD', p .. 'out', now + tonumber(ARGV[5]), tid)
return 'CLAIMED'
"""

# ARGV: prefix, ticket, checkoutID -> 1 when the claim became BEGUN
_BEGUN = """
local p, tid = ARGV[1], ARGV[2]
local key = p .. 't:' .. tid
if redis.call('HGET', key, 'state') ~= 'BEGINNING' then return 0 end
redis.call('HSET', key, 'state', 'BEGUN', 'checkoutID', ARGV[3])
if redis.call('ZSCORE', p .. 'out', tid) then redis.call('ZADD', p .. 'out', 0, tid) end
return 1
"""

# A BEGIN that held nothing gives the admission back for the rest of its window.
_UNCLAIM = """
local p, tid = ARGV[1], ARGV[2]
local key = p .. 't:' .. tid
if redis.call('HGET', key, 'state') ~= 'BEGINNING' then return 0 end
redis.call('HSET', key, 'state', 'ADMITTED')
if redis.call('ZSCORE', p .. 'out', tid) then
  redis.call('ZADD', p .. 'out', redis.call('HGET', key, 'admittedUntil'), tid)
end
return 1
"""

# Gatekeeper, step 1: admitted windows that lapsed expire; begun tickets leave `out`
# (their hold is in the stock now). Returns {expired, outstanding units left}.
_SETTLE = """
local p, now = ARGV[1], tonumber(ARGV[2])
local expired = 0
for _, tid in ipairs(redis.call('ZRANGEBYSCORE', p .. 'out', '-inf', now)) do
  local key = p .. 't:' .. tid
  local st = redis.call('HGET', key, 'state')
  if st == 'ADMITTED' then
    redis.call('HSET', key, 'state', 'EXPIRED')
    expired = expired + 1
  elseif st == 'BEGINNING' then
    redis.call('HSET', key, 'state', 'BEGUN')
  end
  redis.call('ZREM', p .. 'out', tid)
end
if expired > 0 then %PUBLISH_MOVED% end
local units = 0
for _, tid in ipairs(redis.call('ZRANGE', p .. 'out', 0, -1)) do
  units = units + (tonumber(redis.call('HGET', p .. 't:' .. tid, 'qty')) or 0)
end
return {expired, units}
"""

# Gatekeeper, step 2: admit from the head, first come first served, at most ARGV[3]
# tickets and ARGV[4] units; stop at the first that does not fit (no overtaking).
_ADMIT = """
local p, max_tickets, units = ARGV[1], tonumber(ARGV[3]), tonumber(ARGV[4])
local now, window = tonumber(ARGV[2]), tonumber(ARGV[5])
local admitted = {}
while #admitted < max_tickets do
  local head = redis.call('ZRANGE', p .. 'queue', 0, 0)
  if #head == 0 then break end
  local tid = head[1]
  local key = p .. 't:' .. tid
  local qty = tonumber(redis.call('HGET', key, 'qty'))
  if not qty then
    redis.call('ZREM', p .. 'queue', tid)  -- a ticket that aged out of Redis
  else
    if qty > units then break end
    redis.call('ZREM', p .. 'queue', tid)
    redis.call('HSET', key, 'state', 'ADMITTED', 'admittedAt', now, 'admittedUntil', now + window)
    redis.call('ZADD', p .. 'out', now + window, tid)
    redis.call('LPUSH', p .. 'admits', now)
    units = units - qty
    admitted[#admitted + 1] = tid
  end
end
redis.call('LTRIM', p .. 'admits', 0, tonumber(ARGV[6]) - 1)
if #admitted > 0 then %PUBLISH_MOVED% end
return admitted
"""

# Every waiting ticket is told SOLD_OUT; later joins are told at once.
_SELL_OUT = """
local p = ARGV[1]
local tids = redis.call('ZRANGE', p .. 'queue', 0, -1)
for _, tid in ipairs(tids) do redis.call('HSET', p .. 't:' .. tid, 'state', 'SOLD_OUT') end
redis.call('DEL', p .. 'queue')
redis.call('SET', p .. 'soldout', '1')
if #tids > 0 then %PUBLISH_MOVED% end
return #tids
"""

# The item is no longer hot: everyone waiting is admitted (the normal checkout decides).
_RELEASE_ALL = """
local p, now, window = ARGV[1], tonumber(ARGV[2]), tonumber(ARGV[3])
local tids = redis.call('ZRANGE', p .. 'queue', 0, -1)
for _, tid in ipairs(tids) do
  redis.call('HSET', p .. 't:' .. tid, 'state', 'ADMITTED', 'admittedAt', now,
             'admittedUntil', now + window)
end
redis.call('DEL', p .. 'queue', p .. 'out', p .. 'soldout')
if #tids > 0 then %PUBLISH_MOVED% end
return #tids
"""


_SETTLE, _ADMIT, _SELL_OUT, _RELEASE_ALL = (
    script.replace("%PUBLISH_MOVED%", _PUBLISH_MOVED)
    for script in (_SETTLE, _ADMIT, _SELL_OUT, _RELEASE_ALL)
)


class WaitingRoom:
    """The queue of every hot item, on one Redis client."""

    def __init__(self, client: redis.Redis) -> None:
        self._redis = client
        self._join = client.register_script(_JOIN)
        self._claim = client.register_script(_CLAIM)
        self._begun = client.register_script(_BEGUN)
        self._unclaim = client.register_script(_UNCLAIM)
        self._settle = client.register_script(_SETTLE)
        self._admit = client.register_script(_ADMIT)
        self._sell_out = client.register_script(_SELL_OUT)
        self._release_all = client.register_script(_RELEASE_ALL)

    # --- shoppers -------------------------------------------------------------------

    def join(
        self, item_id: int, user_id: int, quantity: int, now_ms: int, *, after_used: bool = False
    ) -> tuple[Ticket, bool]:
        """The shopper's place in line (the one they have, if still in line); True if new.

        A used (BEGUN) admission is returned too, so its checkout can be found again;
        `after_used` joins anew behind it (its checkout is over).
        """
        tid, created = self._join(
            args=[
                prefix(item_id),
                user_id,
                quantity,
                now_ms,
                ticket_id_for(item_id),
                TICKET_TTL_SECONDS,
                "1" if after_used else "0",
            ]
        )
        ticket = self.ticket(tid.decode())
        assert ticket is not None
        return ticket, bool(created)

    def ticket(self, ticket_id: str) -> Ticket | None:
        item_id = item_of_ticket(ticket_id)
        if item_id is None:
            return None
        p = prefix(item_id)
        with self._redis.pipeline(transaction=True) as pipe:
            pipe.hgetall(p + "t:" + ticket_id)
            pipe.zrank(p + "queue", ticket_id)
            raw, rank = pipe.execute()
        if not raw:
            return None
        fields = {k.decode(): v.decode() for k, v in raw.items()}
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
        answer = self._claim(args=[prefix(item_id), ticket_id, user_id, now_ms, CLAIM_MS])
        return answer.decode()

    def begun(self, ticket_id: str, checkout_id: str) -> bool:
        item_id = item_of_ticket(ticket_id)
        assert item_id is not None
        return bool(self._begun(args=[prefix(item_id), ticket_id, checkout_id]))

    def unclaim(self, ticket_id: str) -> bool:
        item_id = item_of_ticket(ticket_id)
        assert item_id is not None
        return bool(self._unclaim(args=[prefix(item_id), ticket_id]))

    def admission_times(self, item_id: int) -> list[int]:
        return [int(t) for t in self._redis.lrange(prefix(item_id) + "admits", 0, -1)]

    # --- the gatekeeper -------------------------------------------------------------

    def settle(self, item_id: int, now_ms: int) -> tuple[int, int]:
        """Expire lapsed admissions, drop begun ones: (expired, outstanding units)."""
        expired, units = self._settle(args=[prefix(item_id), now_ms])
        return int(expired), int(units)

    def admit(
        self, item_id: int, *, tickets: int, units: int, now_ms: int, window_ms: int
    ) -> list[str]:
        if tickets <= 0 or units <= 0:
            return []
        admitted = self._admit(
            args=[prefix(item_id), now_ms, tickets, units, window_ms, ADMITS_KEPT]
        )
        return [tid.decode() for tid in admitted]

    def sell_out(self, item_id: int) -> int:
        return int(self._sell_out(args=[prefix(item_id)]))

    def back_in_stock(self, item_id: int) -> None:
        self._redis.delete(prefix(item_id) + "soldout")

    def is_sold_out(self, item_id: int) -> bool:
        return bool(self._redis.exists(prefix(item_id) + "soldout"))

    def release_all(self, item_id: int, now_ms: int, window_ms: int) -> int:
        return int(self._release_all(args=[prefix(item_id), now_ms, window_ms]))

    def counts(self, item_id: int) -> tuple[int, int]:
        """(waiting, admitted not yet settled)."""
        p = prefix(item_id)
        with self._redis.pipeline(transaction=False) as pipe:
            pipe.zcard(p + "queue")
            pipe.zcard(p + "out")
            waiting, out = pipe.execute()
        return int(waiting), int(out)
