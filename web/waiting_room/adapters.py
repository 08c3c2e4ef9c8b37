"""The waiting room's ports (web/waiting_room/use_cases.py) on the real parts.

tickets       db/redis/waiting_room.py's WaitingRoom (Redis) as it is
DbWaitingRoomItems   which items have a waiting room (PostgreSQL, `waiting_room_items`)
TemporalDoorkeeper   starts the item's WaitingRoomWorkflow when a shopper joins
CheckoutHolding      a checkout begun through the waiting room, while it holds
WaitingRoomDoor      the waiting room as checkout's BEGIN sees it (its port)
StaffWaitingRooms        staff's `WaitingRooms` (web/waiting_room/staff.py): the flag, the lines, the switch
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from typing import Any

import redis
from sqlalchemy.orm import Session, sessionmaker
from werkzeug.exceptions import NotFound

from db.postgres.waiting_room_items import hot_among, list_hot
from db.redis.waiting_room import WaitingRoom
from domain.refusals import Refusal
from domain.stock import Line
from settings import Settings
from web.temporal_gateway import TemporalGateway
from web.waiting_room import use_cases
from web.waiting_room.staff import WaitingRoomLine, WaitingRooms
from web.waiting_room.use_cases import WaitingRoomPorts, WaitingRoomRefused, own_ticket
from web.waiting_room.workflow_client import UnknownItem, WaitingRoomSwitch, ensure_running, switch
from workflows.checkout_messages import CheckoutView


def now_ms() -> int:
    return int(time.time() * 1000)


class DbWaitingRoomItems:
    def __init__(self, sessions: sessionmaker[Session]) -> None:
        self._sessions = sessions

    def with_waiting_room(self, item_ids: Sequence[int]) -> list[int]:
        with self._sessions() as session:
            return hot_among(session, item_ids)


class TemporalDoorkeeper:
    def __init__(
        self, gateway: TemporalGateway | None, settings: Settings, client: redis.Redis
    ) -> None:
        self._gateway, self._settings, self._redis = gateway, settings, client

    def ensure_running(self, item_id: int) -> None:
        ensure_running(self._gateway, self._settings, self._redis, item_id)


class CheckoutHolding:
    """Over checkout's Temporal client (anything with `state(user_id, checkout_id)`)."""

    def __init__(self, checkouts: Any) -> None:
        self._checkouts = checkouts

    def holding(self, user_id: int, checkout_id: str) -> CheckoutView | None:
        try:
            view: CheckoutView = self._checkouts.state(user_id, checkout_id)
        except NotFound:  # gone, or not this shopper's
            return None
        return view if view.status.holds_stock else None


class WaitingRoomDoor:
    """Checkout's `WaitingRoomDoor` port: `enter` with these ports."""

    def __init__(self, ports: WaitingRoomPorts) -> None:
        self._ports = ports

    def enter(
        self,
        user_id: int,
        lines: Sequence[Line],
        ticket_id: str | None,
        begin: Callable[[], CheckoutView],
    ) -> use_cases.Place | CheckoutView | None:
        return use_cases.enter(self._ports, user_id, lines, ticket_id, begin)


class StaffWaitingRooms:
    def __init__(
        self,
        sessions: sessionmaker[Session],
        client: redis.Redis,
        gateway: TemporalGateway | None,
        settings: Settings,
    ) -> None:
        self._sessions, self._redis = sessions, client
        self._gateway, self._settings = gateway, settings

    def lines(self) -> list[WaitingRoomLine]:
        with self._sessions() as session:
            rows = list_hot(session)
        room = WaitingRoom(self._redis)
        return [
            WaitingRoomLine(row.item_id, row.name, row.stock, row.held, *room.counts(row.item_id))
            for row in rows
        ]

    def switch(self, item_id: int, enabled: bool, *, by: int | None) -> WaitingRoomSwitch | None:
        try:
            return switch(
                self._sessions, self._redis, self._gateway, self._settings, item_id, enabled, by=by
            )
        except UnknownItem:
            return None


def build_ports(
    sessions: sessionmaker[Session],
    client: redis.Redis,
    gateway: TemporalGateway | None,
    settings: Settings,
    checkouts: Any,
) -> WaitingRoomPorts:
    return WaitingRoomPorts(
        tickets=WaitingRoom(client),
        items=DbWaitingRoomItems(sessions),
        doorkeeper=TemporalDoorkeeper(gateway, settings, client),
        checkouts=CheckoutHolding(checkouts),
        now_ms=now_ms,
        admission_rate=settings.waiting_room_admission_rate,
    )


def waiting_room_ports() -> WaitingRoomPorts:
    from web.services import services

    ports = services().waiting_room
    assert ports is not None, "Services.build wires the waiting room's ports"
    return ports


def staff_waiting_rooms() -> WaitingRooms:
    from web.services import services

    port = services().waiting_rooms
    assert port is not None, "Services.build wires staff's waiting rooms"
    return port


def ticket_refusal(ticket_id: str, user_id: int) -> Refusal | None:
    """For the ticket streams (web/ticket_access.py): None when the ticket is the
    shopper's, else the refusal its statusURL would answer."""
    try:
        own_ticket(waiting_room_ports(), ticket_id, user_id)
    except WaitingRoomRefused as refused:
        return refused.refusal
    return None
