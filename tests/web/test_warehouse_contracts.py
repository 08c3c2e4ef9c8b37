"""The warehouse fakes (tests/fakes/warehouses.py) hold to what the real adapters
(web/warehouses/adapters.py) do: each check below runs against both, the real ones on
PostgreSQL, Redis and real suborder workflows. A fake that drifts fails here, not in
production."""

from __future__ import annotations

import contextlib
import itertools
from dataclasses import dataclass
from typing import Any

import pytest

from domain.order import SuborderStatus as SS
from domain.refusals import RefusalKind
from tests.fakes.warehouses import NORTH, SHUT, SOUTH, fake_ports
from tests.web.warehouse_world import BOSTON, CLOSED, TACOMA
from web.refusals import Refused
from web.warehouses.parsing import decode_cursor
from web.warehouses.use_cases import SuborderRefused, SuborderWorkflowGone

pytest_plugins = ["tests.web.warehouse_fixtures"]
pytestmark = [pytest.mark.web, pytest.mark.integration]

_n = itertools.count(1)


@dataclass
class Sides:
    """One side of the contract: ports, two active warehouses and an inactive one."""

    reads: Any
    queue: Any
    fulfilment: Any
    shelves: Any
    a: int
    b: int
    inactive: int
    make_suborder: Any  # (warehouse) -> suborder id, ASSIGNED and on the stream
    make_item: Any  # () -> a catalogue item with no units anywhere yet


@pytest.fixture(params=["fake", "real"])
def side(request) -> Sides:
    if request.param == "fake":
        ports = fake_ports()

        def suborder(warehouse: int) -> str:
            n = next(_n)
            suborder_id = f"c{n}-S1"
            ports.reads.add_suborder(warehouse, suborder_id, minutes=100 + n)
            ports.queue.enqueue(warehouse, suborder_id)
            return suborder_id

        def item() -> int:
            item_id = 500 + next(_n)
            ports.shelves.items[item_id] = f"Crate {item_id}"
            return item_id

        return Sides(ports.reads, ports.queue, ports.fulfilment, ports.shelves,
                     NORTH, SOUTH, SHUT, suborder, item)  # fmt: skip
    world = request.getfixturevalue("world")
    portal = request.getfixturevalue("portal_app").extensions["shopflow"].warehouses

    def real_suborder(warehouse: int) -> str:
        item = world.item({warehouse: 5})
        [suborder_id] = world.suborders(world.order({item: 1}))
        world.wait_queued(warehouse, suborder_id)
        return suborder_id

    return Sides(portal.reads, portal.queue, portal.fulfilment, portal.shelves,
                 TACOMA, BOSTON, CLOSED, real_suborder, lambda: world.item({}))  # fmt: skip


def test_reads_find_a_warehouses_own_suborders_only(side):
    suborder_id = side.make_suborder(side.a)

    row = side.reads.find_suborder(side.a, suborder_id)
    assert row is not None and row.status == "ASSIGNED" and row.warehouse_id == side.a
    assert row.lines and row.shipping_address["city"] == "Seattle"
    assert side.reads.find_suborder(side.b, suborder_id) is None
    assert side.reads.find_suborder(side.a, "no such id!") is None
    assert side.reads.find_suborder(side.a, "x" * 65) is None
    assert side.reads.find_warehouse(987_654) is None
    found = side.reads.find_warehouse(side.a)
    assert found.id == side.a and found.active and found.assigned >= 1
    assert side.reads.find_warehouse(side.inactive).active is False
    assert {w.id for w in side.reads.list_warehouses()} >= {side.a, side.b, side.inactive}
    assert side.reads.suborder_statuses([suborder_id, "nope-S9"]) == {suborder_id: "ASSIGNED"}


def test_reads_page_a_queue_oldest_first_and_exactly_once(side):
    placed = [side.make_suborder(side.a) for _ in range(3)]
    seen: list[str] = []
    after = None
    while True:
        page = side.reads.list_suborders(side.a, SS.ASSIGNED, limit=2, after=after)
        assert len(page.rows) <= 2 and page.limit == 2
        seen += [row.suborder_id for row in page.rows]
        if page.next_cursor is None:
            break
        after = decode_cursor(page.next_cursor)
    assert len(seen) == len(set(seen))
    assert [s for s in seen if s in placed] == placed


def test_the_stream_marks_a_suborder_new_once_and_forgets_it_once_acked(side):
    suborder_id = side.make_suborder(side.a)

    first = [e for e in side.queue.read(side.a) if e.suborder_id == suborder_id]
    assert [e.new for e in first] == [True]
    side.queue.ack_suborder(side.a, suborder_id)
    assert all(e.suborder_id != suborder_id for e in side.queue.read(side.a))


def test_fulfilment_ships_then_delivers_and_refuses_delivery_first(side):
    suborder_id = side.make_suborder(side.a)

    with pytest.raises(SuborderRefused) as refused:
        side.fulfilment.confirm_delivered(suborder_id)
    assert refused.value.not_shipped
    side.fulfilment.confirm_shipped(suborder_id)
    assert side.reads.find_suborder(side.a, suborder_id).status == "SHIPPED"
    side.fulfilment.confirm_shipped(suborder_id)  # twice: no harm
    side.fulfilment.confirm_delivered(suborder_id)
    assert side.reads.find_suborder(side.a, suborder_id).status == "DELIVERED"
    # Once delivered the workflow has closed, or is closing: either way nothing changes.
    with contextlib.suppress(SuborderWorkflowGone):
        side.fulfilment.confirm_shipped(suborder_id)
    assert side.reads.find_suborder(side.a, suborder_id).status == "DELIVERED"


def test_shelves_restock_once_per_key_and_refuse_like_the_database(side):
    item = side.make_item()

    first = side.shelves.restock(side.a, item, 4, "contract-" + str(item))
    again = side.shelves.restock(side.a, item, 4, "contract-" + str(item))
    other = side.shelves.restock(side.a, item, 5, "contract-" + str(item))
    assert not isinstance(first, Refused) and first.physical_stock == 4 and not first.replayed
    assert again.replayed and again.physical_stock == 4 and again.item_name == first.item_name
    assert other.kind is RefusalKind.KEY_REUSED

    def kind(warehouse: int, item_id: int, quantity: int) -> RefusalKind:
        outcome = side.shelves.restock(warehouse, item_id, quantity, None)
        assert isinstance(outcome, Refused), outcome
        return outcome.kind

    assert kind(side.a, item, 0) is RefusalKind.INVALID_QUANTITY
    assert kind(side.a, item, 10_001) is RefusalKind.INVALID_QUANTITY
    assert kind(side.a, 987_654_321, 1) is RefusalKind.NO_SUCH_ITEM
    assert kind(side.inactive, item, 1) is RefusalKind.WAREHOUSE_INACTIVE
    assert kind(987_654, item, 1) is RefusalKind.NOT_FOUND
    assert side.shelves.restock(side.a, item, 1, None).physical_stock == 5


def test_shelves_correct_down_within_what_may_go_once_per_key_and_refuse_alike(side):
    item = side.make_item()
    side.shelves.restock(side.a, item, 6, None)
    key = f"contract-fix-{item}"

    def correct(units: int, reason: str = "damaged", note: str = "", **changes):
        where = {"warehouse_id": side.a, "item_id": item, "key": None, **changes}
        return side.shelves.correct_down(
            where["warehouse_id"], where["item_id"], units,
            reason=reason, note=note, user_id=7, key=where["key"],
        )  # fmt: skip

    first = correct(2, note="dropped", key=key)
    again = correct(2, note="dropped", key=key)
    assert not isinstance(first, Refused), first
    assert (first.delta, first.physical_stock, first.reason, first.note) == (
        -2,
        4,
        "damaged",
        "dropped",
    )
    assert again.replayed and again.physical_stock == 4
    assert correct(3, key=key).kind is RefusalKind.KEY_REUSED
    too_many = correct(5)
    assert too_many.kind is RefusalKind.TOO_MANY_TO_REMOVE and too_many.details["removable"] == 4
    assert correct(1, reason="stolen by elves").kind is RefusalKind.INVALID_QUANTITY
    assert correct(1, reason="other").kind is RefusalKind.INVALID_QUANTITY
    assert correct(0).kind is RefusalKind.INVALID_QUANTITY
    assert correct(1, item_id=987_654_321).kind is RefusalKind.NO_SUCH_ITEM
    assert correct(1, warehouse_id=side.inactive).kind is RefusalKind.WAREHOUSE_INACTIVE
    latest = side.shelves.corrections(side.a)
    assert [(c.item_id, c.delta, c.user_id) for c in latest][:1] == [(item, -2, 7)]
    assert side.shelves.restock(side.a, item, 1, None).physical_stock == 5
