"""Staff's side of the waiting room, written once for the staff page and
`PUT /api/v1/items/<itemID>/hot`: which items have a waiting room (with their lines),
and switching one on or off (docs/waiting-room.md).

    waiting_rooms(rooms)                        -> the items with a waiting room, and their lines
    switch_hot(rooms, raw_item_id, enabled, by) -> the WaitingRoomSwitch, or Refused

The port is `WaitingRooms`; its real adapter is web/waiting_room/adapters.py's
`StaffWaitingRooms` (PostgreSQL's flag, Redis's line, Temporal's workflow), its fake
tests/fakes/waiting_room.py's `FakeWaitingRooms`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

from domain.refusals import RefusalKind
from web.refusals import Refused
from web.waiting_room.workflow_client import WaitingRoomSwitch

MAX_ITEM_ID = 2**63 - 1  # items.id is a BIGINT


@dataclass(frozen=True)
class WaitingRoomLine:
    """An item with a waiting room as staff see it: its stock, what is held, and its line."""

    item_id: int
    name: str
    stock: int
    held: int
    waiting: int
    admitted: int


class WaitingRooms(Protocol):
    def lines(self) -> list[WaitingRoomLine]: ...

    def switch(self, item_id: int, enabled: bool, *, by: int | None) -> WaitingRoomSwitch | None:
        """Switch the item's waiting room on or off; None for an item that does not exist."""
        ...


def waiting_rooms(rooms: WaitingRooms) -> list[WaitingRoomLine]:
    return rooms.lines()


def parse_item_number(raw: str) -> int | None:
    raw = raw.strip()
    if not (raw.isascii() and raw.isdigit()) or len(raw) > 19:
        return None
    number = int(raw)
    return number if 1 <= number <= MAX_ITEM_ID else None


def switch_hot(
    rooms: WaitingRooms, raw_item_id: str, enabled: object, *, by: int | None
) -> WaitingRoomSwitch | Refused:
    item_id = parse_item_number(raw_item_id)
    if item_id is None:
        return Refused(
            RefusalKind.BAD_REQUEST, "The item number (itemID) must be a positive whole number."
        )
    if type(enabled) is not bool:
        return Refused(RefusalKind.BAD_REQUEST, 'Send {"enabled": true} or {"enabled": false}.')
    switched = rooms.switch(item_id, enabled, by=by)
    if switched is None:
        return Refused(RefusalKind.NO_SUCH_ITEM, f"There is no item #{item_id}.")
    return switched


def notice(switched: WaitingRoomSwitch) -> str:
    """What the staff page tells whoever switched."""
    item = f"Item #{switched.item_id}"
    if not switched.hot:
        return f"{item} is no longer hot; {switched.released} waiting shoppers let through."
    if switched.workflow_running:
        return f"{item} is hot: its shoppers now queue to buy it."
    return (
        f"{item} is hot: its shoppers now queue to buy it. "
        "(Temporal is out of reach: the line opens once its workflow starts.)"
    )
