"""`fulfilment.cancel_unshipped` (activities/unshipped.py) against real PostgreSQL: the
order's side of cancelling the parcels that have not shipped, in the small world of
test_fulfilment_activities.py (order: 2 of item A, 1 of item B)."""

from __future__ import annotations

import pytest
from temporalio.exceptions import ApplicationError

from activities.unshipped import UnshippedActivities
from db.postgres.engine import make_session_factory
from domain.stock import Line
from tests.activities.test_fulfilment_activities import (
    ITEM_A,
    ITEM_B,
    MIAMI,
    SEATTLE,
    SHELVES,
    _remove,
    make_world,
)
from workflows.order_messages import CancelUnshippedRequest, SuborderRequest

pytestmark = pytest.mark.integration


@pytest.fixture
def world(engine, stack_settings):
    from db.redis.warehouse_queue import entries_key, queued_key, stream_key

    made = make_world(engine, stack_settings, {ITEM_A: 2, ITEM_B: 1})
    yield made
    with engine.begin() as conn:
        _remove(conn)
    for warehouse in SHELVES:
        made.redis.delete(stream_key(warehouse), queued_key(warehouse), entries_key(warehouse))
    made.redis.close()


def test_the_parcel_left_in_its_warehouse_is_taken_off_the_order_once_however_often_asked(
    world, engine, assert_invariants
):
    unshipped = UnshippedActivities(make_session_factory(engine))
    ask = CancelUnshippedRequest(world.order_id)
    with pytest.raises(ApplicationError) as nothing_shipped:
        unshipped.cancel_unshipped(ask)
    world.assign(f"{world.order_id}-S1", SEATTLE, {ITEM_B: 1})
    world.assign(f"{world.order_id}-S2", MIAMI, {ITEM_A: 2})
    world.activities.mark_shipped(SuborderRequest(f"{world.order_id}-S1"))
    with pytest.raises(ApplicationError) as still_assigned:
        unshipped.cancel_unshipped(ask)
    world.activities.cancel_suborder(SuborderRequest(f"{world.order_id}-S2"))
    aggregated_before = world.aggregated(ITEM_A)

    first = unshipped.cancel_unshipped(ask)
    again = unshipped.cancel_unshipped(ask)

    assert nothing_shipped.value.type == "NothingShipped"
    assert still_assigned.value.type == "SuborderActive"
    assert first.cancelled == again.cancelled == (Line(ITEM_A, 2),)
    assert (first.changed, again.changed) == (True, False)
    assert world.aggregated(ITEM_A) == aggregated_before + 2  # given back once
    assert world.stock(MIAMI, ITEM_A) == (5, 5)
    assert world.scalar("SELECT status FROM orders WHERE id = :o", o=world.order_id) == (
        "PARTLY_CANCELLED"
    )
    cancelled = world.scalar(
        "SELECT cancelled_quantity FROM order_lines WHERE order_id = :o AND item_id = :i",
        o=world.order_id,
        i=ITEM_A,
    )
    assert cancelled == 2
    assert world.events().count("partly cancelled") == 1
    assert_invariants()


def test_with_everything_shipped_there_is_nothing_left_to_cancel(world, engine):
    unshipped = UnshippedActivities(make_session_factory(engine))
    world.assign(f"{world.order_id}-S1", SEATTLE, {ITEM_A: 2, ITEM_B: 1})
    world.activities.mark_shipped(SuborderRequest(f"{world.order_id}-S1"))

    with pytest.raises(ApplicationError) as refused:
        unshipped.cancel_unshipped(CancelUnshippedRequest(world.order_id))

    assert refused.value.type == "NothingUnshipped"
    assert world.scalar("SELECT status FROM orders WHERE id = :o", o=world.order_id) == "PENDING"
