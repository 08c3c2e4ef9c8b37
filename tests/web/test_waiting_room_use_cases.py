"""The waiting room's use cases (web/waiting_room/use_cases.py) on tests/fakes/waiting_room.py:
the real line's Lua scripts on fakeredis, so first come, first served is the real rule."""

from __future__ import annotations

import pytest

from domain.checkout import CheckoutStatus
from domain.refusals import RefusalKind
from domain.stock import Line
from domain.waiting_room import TicketStatus
from tests.fakes.waiting_room import WaitingRoomWorld
from web.waiting_room import use_cases
from web.waiting_room.use_cases import Place, WaitingRoomRefused
from workflows.checkout_messages import CheckoutView

pytestmark = pytest.mark.unit

ITEM, OTHER, PLAIN = 7, 8, 9


def never_begin() -> CheckoutView:
    raise AssertionError("nobody was admitted: nothing may be held")


def holding(user_id: int, checkout_id: str = "c" * 32) -> CheckoutView:
    return CheckoutView(checkout_id, user_id, CheckoutStatus.RESERVED, "2026-01-05T12:05:00+00:00")


def enter(world: WaitingRoomWorld, user_id: int, quantity: int = 1, begin=never_begin, **kw):
    return use_cases.enter(world.ports, user_id, [Line(ITEM, quantity)], kw.get("ticket"), begin)


def test_a_cart_without_a_waiting_room_item_begins_as_usual():
    world = WaitingRoomWorld([ITEM])
    assert use_cases.enter(world.ports, 1, [Line(PLAIN, 1)], None, never_begin) is None


def test_shoppers_are_admitted_first_come_first_served():
    world = WaitingRoomWorld([ITEM])
    places = []
    for user_id in (30, 10, 20):  # joining order, not user order
        places.append(enter(world, user_id))
        world.clock.now += 1
    assert [p.position for p in places] == [1, 2, 3]
    assert world.doorkeeper.started and set(world.doorkeeper.started) == {ITEM}

    world.admit(ITEM, tickets=1)
    first, second, third = (
        use_cases.status(world.ports, u, p.ticket.ticket_id)
        for u, p in zip((30, 10, 20), places, strict=True)
    )
    assert first.status is TicketStatus.ADMITTED
    assert (second.status, second.position) == (TicketStatus.WAITING, 1)
    assert (third.status, third.position) == (TicketStatus.WAITING, 2)

    world.admit(ITEM, tickets=1)
    assert (
        use_cases.status(world.ports, 10, places[1].ticket.ticket_id).status
        is TicketStatus.ADMITTED
    )
    assert (
        use_cases.status(world.ports, 20, places[2].ticket.ticket_id).status is TicketStatus.WAITING
    )


def test_an_admitted_shopper_begins_once_and_then_finds_that_checkout_again():
    world = WaitingRoomWorld([ITEM])
    place = enter(world, 5)
    world.admit(ITEM, tickets=1)
    view = holding(5)
    world.checkouts.views[view.checkout_id] = view

    begun = enter(world, 5, begin=lambda: view)
    again = enter(world, 5)  # never_begin: the admission is used

    assert begun == view and again == view
    assert world.tickets.ticket(place.ticket.ticket_id).checkout_id == view.checkout_id


def test_a_shopper_admitted_for_fewer_units_is_told_how_many():
    world = WaitingRoomWorld([ITEM])
    enter(world, 5, quantity=1)
    world.admit(ITEM, tickets=1)
    with pytest.raises(WaitingRoomRefused) as refused:
        enter(world, 5, quantity=2)
    assert refused.value.refusal.kind is RefusalKind.ADMITTED_FOR_FEWER


def test_someone_elses_ticket_is_unknown():
    world = WaitingRoomWorld([ITEM])
    place = enter(world, 5)
    with pytest.raises(WaitingRoomRefused) as refused:
        use_cases.status(world.ports, 6, place.ticket.ticket_id)
    assert refused.value.refusal.kind is RefusalKind.TICKET_NOT_FOUND


def test_two_items_with_a_waiting_room_in_one_cart_are_refused():
    world = WaitingRoomWorld([ITEM, OTHER])
    with pytest.raises(WaitingRoomRefused) as refused:
        use_cases.enter(world.ports, 5, [Line(ITEM, 1), Line(OTHER, 1)], None, never_begin)
    assert refused.value.refusal.kind is RefusalKind.SEVERAL_WAITING_ROOMS


def test_a_waiting_shopper_is_told_a_place_and_an_estimate():
    world = WaitingRoomWorld([ITEM], admission_rate=0.5)
    enter(world, 1)
    place = enter(world, 2)
    assert isinstance(place, Place) and place.status is TicketStatus.WAITING
    assert place.position == 2 and place.estimated_wait_seconds > 0
