"""The returns store's fake (tests/fakes/returns.py) and the real adapter
(web/returns/adapters.py over PostgreSQL) authorise, refuse, find and list alike."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

import pytest

from domain.refusals import Refusal, RefusalKind

EARBUDS, PRICE = 12, 999  # tests/web/catalogue.py's item 12


@pytest.fixture(
    params=[
        pytest.param("fake", marks=pytest.mark.unit),
        pytest.param("real", marks=pytest.mark.integration),
    ]
)
def world(request):
    """(store, new_user, deliver(user, quantity, days_ago, warehouse) -> order id)."""
    if request.param == "fake":
        from itertools import count

        from tests.fakes.returns import FakeReturns

        store, ids = FakeReturns(), count(1)

        def deliver_fake(user: int, quantity: int, days_ago: int = 1, warehouse: int = 1) -> str:
            order_id = uuid.uuid4().hex
            at = datetime.now(UTC) - timedelta(days=days_ago)
            store.deliver(
                user,
                order_id,
                {EARBUDS: quantity},
                warehouse_id=warehouse,
                delivered_at=at,
                prices={EARBUDS: PRICE},
            )
            return order_id

        return store, lambda: next(ids), deliver_fake
    from tests.web.contract_worlds import real_sessions, user_maker
    from web.returns.adapters import SqlReturns

    sessions = real_sessions(request)

    def deliver_real(user: int, quantity: int, days_ago: int = 1, warehouse: int = 1) -> str:
        order_id = uuid.uuid4().hex
        insert_delivered(sessions, user, order_id, quantity, days_ago, warehouse)
        return order_id

    return SqlReturns(sessions), user_maker(sessions), deliver_real


def insert_delivered(
    sessions, user: int, order_id: str, quantity: int, days_ago: int, warehouse: int
):
    """An order of `quantity` earbuds, delivered in one parcel `days_ago` days ago (rows as
    fulfilment writes them, minus the workflows; no stock moves: the contract is returns')."""
    import json

    from sqlalchemy import text

    at = datetime.now(UTC) - timedelta(days=days_ago)
    with sessions.begin() as session:
        session.execute(
            text(
                "INSERT INTO orders (id, user_id, checkout_id, total, ordered_at, status,"
                " shipping_address, payment_reference, timeline) VALUES (:id, :user, :checkout,"
                " :total, :at, 'DELIVERED', :address, 'ch_x', '[]')"
            ),
            {
                "id": order_id,
                "user": user,
                "checkout": uuid.uuid4().hex,
                "at": at,
                "total": PRICE * quantity,
                "address": json.dumps({"city": "Seattle"}),
            },
        )
        session.execute(
            text(
                "INSERT INTO order_lines (order_id, item_id, quantity, unit_price, name)"
                " VALUES (:id, :item, :q, :price, 'Budget Earbuds')"
            ),
            {"id": order_id, "item": EARBUDS, "q": quantity, "price": PRICE},
        )
        session.execute(
            text(
                "INSERT INTO warehouse_orders (id, order_id, warehouse_id, shipping_address,"
                " status, shipped_at, delivered_at) VALUES (:s, :id, :w, '{}', 'DELIVERED',"
                " :at, :at)"
            ),
            {"s": f"{order_id}-S1", "id": order_id, "w": warehouse, "at": at},
        )
        session.execute(
            text(
                "INSERT INTO warehouse_order_lines (suborder_id, item_id, quantity)"
                " VALUES (:s, :item, :q)"
            ),
            {"s": f"{order_id}-S1", "item": EARBUDS, "q": quantity},
        )


def test_a_return_within_the_window_is_authorised_and_found(world):
    store, new_user, deliver = world
    user = new_user()
    order_id = deliver(user, 2)

    [row] = store.authorize(user, order_id, {EARBUDS: 1}, "Too loud")

    assert (row.status, row.refund_amount, row.warehouse_id) == ("AUTHORIZED", PRICE, 1)
    assert [(line.item_id, line.quantity, line.unit_price) for line in row.lines] == [
        (EARBUDS, 1, PRICE)
    ]
    assert store.find(user, order_id, row.return_id) == row
    assert store.order_returns(user, order_id) == [row]
    assert [r.return_id for r in store.awaiting(1) if r.order_id == order_id] == [row.return_id]
    assert store.find_at(1, row.return_id) == row and store.find_at(2, row.return_id) is None
    assert store.returnable(user, order_id)[EARBUDS][1] == 1


def test_more_than_delivered_and_past_the_window_are_refused(world):
    store, new_user, deliver = world
    user = new_user()
    fresh, old = deliver(user, 1), deliver(user, 1, days_ago=31)

    too_many = store.authorize(user, fresh, {EARBUDS: 2}, "x")
    closed = store.authorize(user, old, {EARBUDS: 1}, "x")

    assert isinstance(too_many, Refusal) and too_many.kind is RefusalKind.RETURN_TOO_MANY
    assert isinstance(closed, Refusal) and closed.kind is RefusalKind.RETURN_WINDOW_CLOSED
    assert store.returnable(user, old) == {}


def test_another_shoppers_order_is_none_everywhere(world):
    store, new_user, deliver = world
    owner, stranger = new_user(), new_user()
    order_id = deliver(owner, 1)
    [row] = store.authorize(owner, order_id, {EARBUDS: 1}, "x")

    assert store.authorize(stranger, order_id, {EARBUDS: 1}, "x") is None
    assert store.find(stranger, order_id, row.return_id) is None
    assert store.order_returns(stranger, order_id) is None
    assert store.returnable(stranger, order_id) is None


def test_a_forgotten_return_gives_its_units_back(world):
    store, new_user, deliver = world
    user = new_user()
    order_id = deliver(user, 1)
    [row] = store.authorize(user, order_id, {EARBUDS: 1}, "x")

    store.forget([row.return_id])

    assert store.find(user, order_id, row.return_id) is None
    assert isinstance(store.authorize(user, order_id, {EARBUDS: 1}, "x"), list)
