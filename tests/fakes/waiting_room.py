"""In-memory fakes of the waiting room's ports (web/waiting_room/use_cases.py).

    memory_tickets        the real line (db/redis/waiting_room.py, its Lua scripts included)
                          on fakeredis: first come, first served is the real code's
    FakeWaitingRoomItems  which items have a waiting room
    FakeDoorkeeper        remembers which items' workflows it was asked to run
    FakeCheckoutStates    checkouts that still hold stock, by id
    FakeWaitingRooms          staff's switch (web/waiting_room/staff.py) over the real line on fakeredis

tests/fakes/test_waiting_room_contract.py runs the same scenarios against these and
the real adapters.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import fakeredis

from db.redis.waiting_room import WaitingRoom
from web.waiting_room.staff import WaitingRoomLine
from web.waiting_room.use_cases import WaitingRoomPorts
from web.waiting_room.workflow_client import WaitingRoomSwitch
from workflows.checkout_messages import CheckoutView
from workflows.waiting_room_messages import waiting_room_workflow_id


def memory_tickets() -> WaitingRoom:
    return WaitingRoom(fakeredis.FakeRedis())


class FakeWaitingRoomItems:
    def __init__(self, item_ids: Sequence[int] = ()) -> None:
        self.item_ids = set(item_ids)

    def with_waiting_room(self, item_ids: Sequence[int]) -> list[int]:
        return sorted(set(item_ids) & self.item_ids)


@dataclass
class FakeDoorkeeper:
    started: list[int] = field(default_factory=list)

    def ensure_running(self, item_id: int) -> None:
        self.started.append(item_id)


@dataclass
class FakeCheckoutStates:
    views: dict[str, CheckoutView] = field(default_factory=dict)

    def holding(self, user_id: int, checkout_id: str) -> CheckoutView | None:
        view = self.views.get(checkout_id)
        if view is None or view.user_id != user_id or not view.status.holds_stock:
            return None
        return view


class Clock:
    def __init__(self, now_ms: int = 1_700_000_000_000) -> None:
        self.now = now_ms

    def __call__(self) -> int:
        return self.now


@dataclass
class WaitingRoomWorld:
    item_ids: Sequence[int] = ()
    admission_rate: float = 1.0

    def __post_init__(self) -> None:
        self.tickets = memory_tickets()
        self.items = FakeWaitingRoomItems(self.item_ids)
        self.doorkeeper = FakeDoorkeeper()
        self.checkouts = FakeCheckoutStates()
        self.clock = Clock()
        self.ports = WaitingRoomPorts(
            self.tickets,
            self.items,
            self.doorkeeper,
            self.checkouts,
            self.clock,
            self.admission_rate,
        )

    def admit(self, item_id: int, *, tickets: int, units: int = 1000) -> list[str]:
        """What the waiting room's workflow does on a tick."""
        return self.tickets.admit(
            item_id, tickets=tickets, units=units, now_ms=self.clock(), window_ms=60_000
        )


@dataclass
class FakeWaitingRooms:
    """Staff's `WaitingRooms` over a catalogue of `{item_id: (name, stock)}` and the real line
    (switching off lets everyone waiting through, as the real switch does)."""

    catalogue: dict[int, tuple[str, int]]
    tickets: WaitingRoom = field(default_factory=memory_tickets)
    hot: set[int] = field(default_factory=set)
    switched_by: list[int | None] = field(default_factory=list)

    def lines(self) -> list[WaitingRoomLine]:
        return [
            WaitingRoomLine(item_id, *self.catalogue[item_id], 0, *self.tickets.counts(item_id))
            for item_id in sorted(self.hot)
        ]

    def switch(self, item_id: int, enabled: bool, *, by: int | None) -> WaitingRoomSwitch | None:
        if item_id not in self.catalogue:
            return None
        self.switched_by.append(by)
        workflow_id = waiting_room_workflow_id(item_id)
        if enabled:
            self.hot.add(item_id)
            return WaitingRoomSwitch(item_id, True, workflow_id, True)
        self.hot.discard(item_id)
        released = self.tickets.release_all(item_id, 1_700_000_000_000, 60_000)
        return WaitingRoomSwitch(item_id, False, workflow_id, False, released)
