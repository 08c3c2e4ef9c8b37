"""Staff switch waiting rooms on and off (web/waiting_room/staff.py) on the fake of
tests/fakes/waiting_room.py: the real line's Lua on fakeredis."""

from __future__ import annotations

import pytest

from tests.fakes.waiting_room import FakeWaitingRooms
from web.refusals import Refused, status_of
from web.waiting_room import staff

pytestmark = pytest.mark.unit

ITEM, STAFF = 7, 42


def shop() -> FakeWaitingRooms:
    return FakeWaitingRooms({ITEM: ("Console", 3)})


def test_staff_make_an_item_hot_and_see_its_line():
    hot = shop()
    switched = staff.switch_hot(hot, f" {ITEM} ", True, by=STAFF)
    assert not isinstance(switched, Refused) and switched.hot and switched.workflow_running
    hot.tickets.join(ITEM, 1, 1, 1_700_000_000_000)
    hot.tickets.join(ITEM, 2, 1, 1_700_000_000_001)
    (line,) = staff.waiting_rooms(hot)
    assert (line.item_id, line.name, line.stock, line.waiting) == (ITEM, "Console", 3, 2)
    assert hot.switched_by == [STAFF]
    assert staff.notice(switched) == f"Item #{ITEM} is hot: its shoppers now queue to buy it."


def test_switching_off_lets_everyone_waiting_through_and_says_how_many():
    hot = shop()
    staff.switch_hot(hot, str(ITEM), True, by=STAFF)
    for user_id in (1, 2, 3):
        hot.tickets.join(ITEM, user_id, 1, 1_700_000_000_000 + user_id)
    switched = staff.switch_hot(hot, str(ITEM), False, by=STAFF)
    assert not isinstance(switched, Refused) and not switched.hot and switched.released == 3
    assert staff.waiting_rooms(hot) == []
    assert "no longer hot; 3 waiting shoppers let through" in staff.notice(switched)


def test_the_notice_says_when_temporal_could_not_open_the_line():
    switched = staff.WaitingRoomSwitch(ITEM, True, "waiting-room-7", workflow_running=False)
    assert "Temporal is out of reach" in staff.notice(switched)


@pytest.mark.parametrize("raw", ["", "abc", "-3", "0", "1.5", "١٢", "9" * 20, str(2**63)])
def test_an_item_number_that_cannot_exist_is_refused_before_anything_is_switched(raw):
    hot = shop()
    refused = staff.switch_hot(hot, raw, True, by=STAFF)
    assert isinstance(refused, Refused) and status_of(refused) == 400
    assert hot.switched_by == []


@pytest.mark.parametrize("enabled", [None, 1, "true", [True]])
def test_on_or_off_must_be_said_with_a_boolean(enabled):
    hot = shop()
    refused = staff.switch_hot(hot, str(ITEM), enabled, by=STAFF)
    assert isinstance(refused, Refused) and status_of(refused) == 400
    assert hot.switched_by == []


def test_an_unknown_item_is_not_found():
    refused = staff.switch_hot(shop(), "799998", True, by=STAFF)
    assert isinstance(refused, Refused) and status_of(refused) == 404
    assert refused.code == "unknown_item" and "#799998" in refused.message
