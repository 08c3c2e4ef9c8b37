"""Fulfilment activities against real PostgreSQL (and Redis for the warehouse queue).

A small world of its own: items 920001-920002, warehouses 99201 (Seattle) and 99202
(Miami), one shopper and one submitted order written straight into the database with
the aggregated stock already reduced, as checkout leaves it. Everything is removed
afterwards, so the session's invariants keep holding.
"""

from __future__ import annotations

import json
import threading
import uuid
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

import pytest
import redis
from sqlalchemy import text
from temporalio.exceptions import ApplicationError

from activities.fulfilment import FulfilmentActivities
from db.postgres.engine import make_session_factory
from db.redis.warehouse_queue import entries_key, queued_key, stream_key
from domain.stock import Line
from workflows.order_messages import (
    AssignRequest,
    CancelOrderRequest,
    NotifyRequest,
    PlanRequest,
    SetOrderStatusRequest,
    SuborderRequest,
)

pytestmark = pytest.mark.integration

SEATTLE, MIAMI = 99201, 99202
ITEM_A, ITEM_B = 920001, 920002
USER = 920001
# warehouse -> item -> units on the shelf (physical = available before any order)
SHELVES = {SEATTLE: {ITEM_A: 5, ITEM_B: 3}, MIAMI: {ITEM_A: 5}}
ADDRESS = {
    "name": "Ada",
    "line1": "1 Pike St",
    "city": "Seattle",
    "postal_code": "98101",
    "country": "US",
}


@dataclass
class World:
    engine: object
    activities: FulfilmentActivities
    order_id: str
    redis: redis.Redis

    def scalar(self, sql: str, **params):
        with self.engine.connect() as conn:
            return conn.execute(text(sql), params).scalar()

    def stock(self, warehouse: int, item: int) -> tuple[int, int]:
        with self.engine.connect() as conn:
            row = conn.execute(
                text(
                    "SELECT physical_stock, available_stock FROM warehouse_stock "
                    "WHERE warehouse_id = :w AND item_id = :i"
                ),
                {"w": warehouse, "i": item},
            ).one()
        return row.physical_stock, row.available_stock

    def aggregated(self, item: int) -> int:
        return self.scalar("SELECT stock FROM aggregated_stock WHERE item_id = :i", i=item)

    def suborder_status(self, suborder_id: str) -> str | None:
        return self.scalar("SELECT status FROM warehouse_orders WHERE id = :s", s=suborder_id)

    def events(self) -> list[str]:
        timeline = self.scalar("SELECT timeline FROM orders WHERE id = :o", o=self.order_id)
        return [entry["event"] for entry in timeline]

    def assign(self, suborder_id: str, warehouse: int, lines: dict[int, int]):
        return self.activities.assign(
            AssignRequest(
                self.order_id,
                suborder_id,
                warehouse,
                tuple(Line(i, q) for i, q in lines.items()),
            )
        )


def _remove(conn) -> None:
    items = [ITEM_A, ITEM_B]
    conn.execute(
        text(
            "DELETE FROM warehouse_orders WHERE order_id IN (SELECT id FROM orders WHERE user_id = :u)"
        ),
        {"u": USER},
    )
    conn.execute(text("DELETE FROM orders WHERE user_id = :u"), {"u": USER})
    conn.execute(text("DELETE FROM users WHERE id = :u"), {"u": USER})
    conn.execute(text("DELETE FROM items WHERE id = ANY(:ids)"), {"ids": items})
    conn.execute(text("DELETE FROM warehouses WHERE id = ANY(:w)"), {"w": list(SHELVES)})


def _place_order(conn, lines: dict[int, int]) -> str:
    """What checkout's submit leaves behind: the order, its lines, aggregated already reduced."""
    order_id = f"ord-ful-{uuid.uuid4().hex[:12]}"
    conn.execute(
        text(
            "INSERT INTO orders (id, user_id, checkout_id, total, ordered_at, status, "
            "shipping_address, payment_reference, timeline) VALUES (:o, :u, :c, 1000, now(), "
            "'PENDING', CAST(:a AS jsonb), 'ch_test', CAST(:t AS jsonb))"
        ),
        {
            "o": order_id,
            "u": USER,
            "c": f"co-{order_id}",
            "a": json.dumps(ADDRESS),
            "t": json.dumps([{"at": "2026-01-01T00:00:00+00:00", "event": "placed", "detail": ""}]),
        },
    )
    for item, quantity in lines.items():
        conn.execute(
            text(
                "INSERT INTO order_lines (order_id, item_id, quantity, unit_price, name) "
                "VALUES (:o, :i, :q, 500, 'Test item')"
            ),
            {"o": order_id, "i": item, "q": quantity},
        )
        conn.execute(
            text("UPDATE aggregated_stock SET stock = stock - :q WHERE item_id = :i"),
            {"q": quantity, "i": item},
        )
    return order_id


def make_world(engine, stack_settings, lines: dict[int, int]):
    with engine.begin() as conn:
        _remove(conn)
        for warehouse, (name, lat, lon) in {
            SEATTLE: ("Fulfilment Test Seattle", 47.61, -122.33),
            MIAMI: ("Fulfilment Test Miami", 25.76, -80.19),
        }.items():
            conn.execute(
                text(
                    "INSERT INTO warehouses (id, name, region, latitude, longitude, active) "
                    "VALUES (:w, :n, 'Test', :lat, :lon, true)"
                ),
                {"w": warehouse, "n": name, "lat": lat, "lon": lon},
            )
        for item in (ITEM_A, ITEM_B):
            conn.execute(
                text(
                    "INSERT INTO items (id, sku, name, description, category, brand, price) "
                    "VALUES (:i, :sku, 'Test item', 'For fulfilment tests.', 'Test', 'Acme', 500)"
                ),
                {"i": item, "sku": f"FUL-{item}"},
            )
            total = sum(shelf.get(item, 0) for shelf in SHELVES.values())
            conn.execute(
                text("INSERT INTO aggregated_stock (item_id, stock) VALUES (:i, :s)"),
                {"i": item, "s": total},
            )
        for warehouse, shelf in SHELVES.items():
            for item, units in shelf.items():
                conn.execute(
                    text(
                        "INSERT INTO warehouse_stock (item_id, warehouse_id, physical_stock, "
                        "available_stock) VALUES (:i, :w, :u, :u)"
                    ),
                    {"i": item, "w": warehouse, "u": units},
                )
        conn.execute(
            text(
                "INSERT INTO users (id, email, password_hash, role) VALUES (:u, :e, 'x', 'shopper')"
            ),
            {"u": USER, "e": f"fulfil-{uuid.uuid4().hex[:8]}@example.test"},
        )
        order_id = _place_order(conn, lines)
    client = redis.Redis.from_url(stack_settings.redis_url)
    return World(
        engine, FulfilmentActivities(make_session_factory(engine), client), order_id, client
    )


@pytest.fixture
def world(engine, stack_settings):
    made = make_world(engine, stack_settings, {ITEM_A: 2, ITEM_B: 1})
    yield made
    with engine.begin() as conn:
        _remove(conn)
    for warehouse in SHELVES:
        made.redis.delete(stream_key(warehouse), queued_key(warehouse), entries_key(warehouse))
    made.redis.close()


def test_planning_sends_the_whole_order_to_the_nearest_warehouse_that_holds_all_of_it(world):
    planned = world.activities.plan(PlanRequest(world.order_id, "nearest"))

    assert planned.order_lines == (Line(ITEM_A, 2), Line(ITEM_B, 1))
    assert [(s.warehouse_id, s.lines) for s in planned.suborders] == [
        (SEATTLE, (Line(ITEM_A, 2), Line(ITEM_B, 1)))
    ]


def test_planning_a_remainder_more_than_the_warehouses_hold_says_what_is_missing(world):
    with pytest.raises(ApplicationError) as short:
        world.activities.plan(PlanRequest(world.order_id, "nearest", (Line(ITEM_B, 9),)))

    assert short.value.type == "Unallocatable"
    assert short.value.details == ({"itemID": ITEM_B, "missing": 6},)


def test_assigning_takes_warehouse_available_stock_writes_the_suborder_and_keeps_the_invariants(
    world, assert_invariants
):
    assert_invariants()
    result = world.assign(f"{world.order_id}-S1", SEATTLE, {ITEM_A: 2, ITEM_B: 1})

    assert result.created and result.status == "ASSIGNED"
    assert world.stock(SEATTLE, ITEM_A) == (5, 3) and world.stock(SEATTLE, ITEM_B) == (3, 2)
    assert world.suborder_status(f"{world.order_id}-S1") == "ASSIGNED"
    assert world.events() == ["placed", "assigned"]
    assert_invariants()


def test_a_retried_assignment_is_a_no_op(world, assert_invariants):
    world.assign(f"{world.order_id}-S1", SEATTLE, {ITEM_A: 2, ITEM_B: 1})
    again = world.assign(f"{world.order_id}-S1", SEATTLE, {ITEM_A: 2, ITEM_B: 1})

    assert not again.created and again.status == "ASSIGNED"
    assert world.stock(SEATTLE, ITEM_A) == (5, 3)
    assert world.events() == ["placed", "assigned"]
    assert_invariants()


def test_a_warehouse_that_lost_the_race_writes_nothing_and_says_what_it_lacks(
    world, assert_invariants
):
    with world.engine.begin() as conn:  # another order took Miami's stock meanwhile
        conn.execute(
            text(
                "UPDATE warehouse_stock SET physical_stock = 1, available_stock = 1 "
                "WHERE warehouse_id = :w AND item_id = :i"
            ),
            {"w": MIAMI, "i": ITEM_A},
        )
        conn.execute(
            text("UPDATE aggregated_stock SET stock = stock - 4 WHERE item_id = :i"),
            {"i": ITEM_A},
        )

    with pytest.raises(ApplicationError) as lost:
        world.assign(f"{world.order_id}-S1", MIAMI, {ITEM_A: 2})

    assert lost.value.type == "WarehouseShort" and lost.value.non_retryable
    assert lost.value.details == ({"itemID": ITEM_A, "asked": 2, "left": 1},)
    assert world.suborder_status(f"{world.order_id}-S1") is None
    assert world.stock(MIAMI, ITEM_A) == (1, 1)
    assert_invariants()


def test_shipping_takes_physical_stock_once_and_shipping_twice_is_harmless(
    world, assert_invariants
):
    suborder = f"{world.order_id}-S1"
    world.assign(suborder, SEATTLE, {ITEM_A: 2, ITEM_B: 1})

    first = world.activities.mark_shipped(SuborderRequest(suborder))
    second = world.activities.mark_shipped(SuborderRequest(suborder))

    assert first.changed and not second.changed and second.status == "SHIPPED"
    assert world.stock(SEATTLE, ITEM_A) == (3, 3) and world.stock(SEATTLE, ITEM_B) == (2, 2)
    assert_invariants()
    delivered = world.activities.mark_delivered(SuborderRequest(suborder))
    assert delivered.status == "DELIVERED" and world.suborder_status(suborder) == "DELIVERED"
    assert world.events()[-2:] == ["suborder shipped", "suborder delivered"]
    assert_invariants()


def test_cancelling_gives_back_warehouse_then_aggregated_stock_keeping_invariants_at_each_step(
    world, assert_invariants
):
    suborder = f"{world.order_id}-S1"
    world.assign(suborder, SEATTLE, {ITEM_A: 2})  # ITEM_B never assigned

    cancelled = world.activities.cancel_suborder(SuborderRequest(suborder))
    assert cancelled.changed and world.stock(SEATTLE, ITEM_A) == (5, 5)
    assert not world.activities.cancel_suborder(SuborderRequest(suborder)).changed
    assert_invariants()

    released = world.activities.cancel_order(CancelOrderRequest(world.order_id))
    again = world.activities.cancel_order(CancelOrderRequest(world.order_id))

    assert released.released == (Line(ITEM_A, 2), Line(ITEM_B, 1)) and again.released == ()
    assert world.aggregated(ITEM_A) == 10 and world.aggregated(ITEM_B) == 3
    assert world.scalar("SELECT status FROM orders WHERE id = :o", o=world.order_id) == "CANCELLED"
    assert world.events()[-1] == "cancelled"
    assert_invariants()


def test_a_shipped_suborder_cannot_be_cancelled_and_a_cancelled_one_cannot_ship(world):
    shipped, cancelled = f"{world.order_id}-S1", f"{world.order_id}-S2"
    world.assign(shipped, SEATTLE, {ITEM_A: 1})
    world.assign(cancelled, MIAMI, {ITEM_A: 1})
    world.activities.mark_shipped(SuborderRequest(shipped))
    world.activities.cancel_suborder(SuborderRequest(cancelled))

    with pytest.raises(ApplicationError) as refused_cancel:
        world.activities.cancel_suborder(SuborderRequest(shipped))
    with pytest.raises(ApplicationError) as refused_ship:
        world.activities.mark_shipped(SuborderRequest(cancelled))
    with pytest.raises(ApplicationError) as refused_order_cancel:
        world.activities.cancel_order(CancelOrderRequest(world.order_id))

    assert refused_cancel.value.type == "AlreadyShipped"
    assert refused_ship.value.type == "SuborderCancelled"
    assert refused_order_cancel.value.type == "AlreadyShipped"


def test_cancel_racing_ship_has_exactly_one_winner_each_time(
    engine, stack_settings, assert_invariants
):
    races = 5
    world = make_world(engine, stack_settings, {ITEM_A: races})
    try:
        suborders = [f"{world.order_id}-S{n}" for n in range(1, races + 1)]
        for suborder in suborders:
            world.assign(suborder, SEATTLE, {ITEM_A: 1})

        def attempt(call, suborder: str, gate: threading.Barrier) -> str:
            gate.wait()
            try:
                call(SuborderRequest(suborder))
                return "won"
            except ApplicationError as error:
                assert error.type in ("AlreadyShipped", "SuborderCancelled")
                return "refused"

        with ThreadPoolExecutor(max_workers=2) as pool:
            for suborder in suborders:
                gate = threading.Barrier(2)
                ship = pool.submit(attempt, world.activities.mark_shipped, suborder, gate)
                cancel = pool.submit(attempt, world.activities.cancel_suborder, suborder, gate)
                outcomes = sorted([ship.result(), cancel.result()])
                assert outcomes == ["refused", "won"]
                expected = "SHIPPED" if ship.result() == "won" else "CANCELLED"
                assert world.suborder_status(suborder) == expected

        shipped = sum(world.suborder_status(s) == "SHIPPED" for s in suborders)
        physical, available = world.stock(SEATTLE, ITEM_A)
        assert physical == 5 - shipped and available == 5 - shipped
        assert_invariants()
    finally:
        with engine.begin() as conn:
            _remove(conn)
        world.redis.close()


def test_a_suborder_is_queued_on_its_warehouse_stream_once_however_often_notified(world):
    request = NotifyRequest(world.order_id, f"{world.order_id}-S1", SEATTLE)

    first = world.activities.notify_warehouse(request)
    second = world.activities.notify_warehouse(request)

    assert first.entry_id and second.entry_id is None
    entries = world.redis.xrange(stream_key(SEATTLE))
    assert [fields[b"suborder_id"].decode() for _, fields in entries] == [request.suborder_id]
    groups = world.redis.xinfo_groups(stream_key(SEATTLE))
    assert [group["name"] for group in groups] in ([b"portal"], ["portal"])


def test_order_status_moves_on_once_and_a_cancelled_order_stays_cancelled(world):
    ship = SetOrderStatusRequest(world.order_id, "SHIPPED", "shipped", "Every parcel has shipped")

    assert world.activities.set_order_status(ship).changed
    assert not world.activities.set_order_status(ship).changed
    assert world.events() == ["placed", "shipped"]
