"""The waiting room fakes (tests/fakes/waiting_room.py) answer as the real adapters do.

Every scenario runs twice: on the fakes (fast layer: the line's Lua on fakeredis) and
on the real adapters (integration: the session's Redis, the `waiting_room_items` flag in
PostgreSQL).
"""

from __future__ import annotations

import itertools
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

import pytest
import redis

from db.redis.waiting_room import WaitingRoom
from domain.waiting_room import TicketState
from tests.fakes.waiting_room import FakeWaitingRoomItems, memory_tickets

pytest_plugins = ["tests.web.checkout_fixtures"]

NOW = 1_700_000_000_000
_items = itertools.count(950_001)  # apart from the web tests' items with a waiting room


@dataclass
class Side:
    tickets: WaitingRoom
    items: Any
    open_room: Callable[[int], None]  # give an item a waiting room


@pytest.fixture(params=["fake", pytest.param("real", marks=pytest.mark.integration)])
def side(request) -> Iterator[Side]:
    if request.param == "fake":
        items = FakeWaitingRoomItems()
        yield Side(memory_tickets(), items, items.item_ids.add)
        return
    from db.postgres.engine import make_engine, make_session_factory
    from db.postgres.waiting_room_items import set_hot
    from web.waiting_room.adapters import DbWaitingRoomItems

    settings = request.getfixturevalue("checkout_settings")
    stock_item = request.getfixturevalue("stock_item")
    engine = make_engine(settings.database_url)
    sessions = make_session_factory(engine)
    client = redis.Redis.from_url(settings.redis_url)
    made: dict[int, int] = {}

    def open_room(item_id: int) -> None:
        real = made.setdefault(item_id, stock_item(5))
        with sessions.begin() as session:
            set_hot(session, real, True, by=None)

    class Items:
        def with_waiting_room(self, item_ids):
            found = DbWaitingRoomItems(sessions).with_waiting_room(
                [made.get(i, i) for i in item_ids]
            )
            back = {real: fake for fake, real in made.items()}
            return sorted(back[i] for i in found)

    try:
        yield Side(WaitingRoom(client), Items(), open_room)
    finally:
        with sessions.begin() as session:
            for real in made.values():
                set_hot(session, real, False, by=None)
        client.close()
        engine.dispose()


def test_the_line_is_first_come_first_served(side):
    item = next(_items)
    users = [int(uuid.uuid4().int % 10**9) for _ in range(3)]
    tickets = [side.tickets.join(item, u, 1, NOW + i)[0] for i, u in enumerate(users)]
    assert [t.position for t in tickets] == [1, 2, 3]

    admitted = side.tickets.admit(item, tickets=1, units=10, now_ms=NOW + 10, window_ms=60_000)

    assert admitted == [tickets[0].ticket_id]
    states = [side.tickets.ticket(t.ticket_id) for t in tickets]
    assert [s.state for s in states] == [
        TicketState.ADMITTED,
        TicketState.WAITING,
        TicketState.WAITING,
    ]
    assert [s.position for s in states[1:]] == [1, 2]


def test_joining_twice_returns_the_same_ticket_and_a_claim_is_once(side):
    item = next(_items)
    first, created = side.tickets.join(item, 42, 1, NOW)
    again, created_again = side.tickets.join(item, 42, 1, NOW + 5)
    assert created and not created_again and again.ticket_id == first.ticket_id

    side.tickets.admit(item, tickets=1, units=10, now_ms=NOW + 10, window_ms=60_000)
    assert side.tickets.claim(first.ticket_id, 42, NOW + 20) == "CLAIMED"
    assert side.tickets.claim(first.ticket_id, 42, NOW + 21) != "CLAIMED"
    assert side.tickets.begun(first.ticket_id, "c" * 32)
    assert side.tickets.ticket(first.ticket_id).checkout_id == "c" * 32


def test_an_admission_lapses_after_its_window(side):
    item = next(_items)
    ticket, _ = side.tickets.join(item, 43, 1, NOW)
    side.tickets.admit(item, tickets=1, units=10, now_ms=NOW, window_ms=1_000)
    assert side.tickets.claim(ticket.ticket_id, 43, NOW + 2_000) == "LAPSED"


def test_which_items_have_a_waiting_room(side):
    a, b = next(_items), next(_items)
    side.open_room(a)
    assert side.items.with_waiting_room([b, a]) == [a]
