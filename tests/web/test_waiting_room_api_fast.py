"""`GET /api/v1/waiting-room/tickets/<id>` on the waiting room's fakes: the owner sees where
the ticket stands, anyone else gets the same 404 as for a ticket never issued."""

from __future__ import annotations

import pytest

from domain.stock import Line
from tests.fakes.checkout import CheckoutWorld
from tests.fakes.waiting_room import WaitingRoomWorld
from tests.web.checkout_fast import CheckoutApi
from web.waiting_room import use_cases

pytestmark = pytest.mark.web

ITEM = 7


def test_a_ticket_reads_as_its_place_for_its_owner_and_404_for_anyone_else():
    room = WaitingRoomWorld([ITEM])
    api = CheckoutApi(CheckoutWorld({ITEM: 5}), room.ports)
    first = use_cases.enter(room.ports, 1, [Line(ITEM, 1)], None, lambda: None)
    second = use_cases.enter(room.ports, 2, [Line(ITEM, 1)], None, lambda: None)
    room.admit(ITEM, tickets=1)

    mine = api.get(2, f"/api/v1/waiting-room/tickets/{second.ticket.ticket_id}")
    admitted = api.get(1, f"/api/v1/waiting-room/tickets/{first.ticket.ticket_id}")
    theirs = api.get(1, f"/api/v1/waiting-room/tickets/{second.ticket.ticket_id}")
    unknown = api.get(1, f"/api/v1/waiting-room/tickets/{ITEM}-{'0' * 32}")

    assert mine.status_code == 200
    assert (mine.get_json()["status"], mine.get_json()["position"]) == ("WAITING", 1)
    assert admitted.get_json()["status"] == "ADMITTED" and admitted.get_json()["admittedUntil"]
    assert theirs.status_code == unknown.status_code == 404
    assert theirs.get_json() == unknown.get_json()
    assert theirs.get_json()["error"]["code"] == "ticket_not_found"
