"""The order reads' fake (tests/fakes/orders.py) and the real adapter
(web/orders/adapters.py over PostgreSQL) page, filter and find orders alike."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

import pytest

from tests.fakes.orders import order_view

NOW = datetime.now(UTC).replace(microsecond=0)


@pytest.fixture(
    params=[
        pytest.param("fake", marks=pytest.mark.unit),
        pytest.param("real", marks=pytest.mark.integration),
    ]
)
def world(request):
    """(reads, new_user, place(user, at, status) -> order id)."""
    if request.param == "fake":
        from itertools import count

        from tests.fakes.orders import FakeOrderReads

        reads, ids = FakeOrderReads(), count(1)

        def place_fake(user: int, at: datetime, status: str = "PENDING") -> str:
            order = order_view(at, status=status, name="Budget Earbuds", unit_price=999)
            return reads.add(user, order).order_id

        return reads, lambda: next(ids), place_fake
    from tests.web.contract_worlds import insert_order, real_sessions, user_maker
    from web.orders.adapters import SqlOrderReads

    sessions = real_sessions(request)

    def place_real(user: int, at: datetime, status: str = "PENDING") -> str:
        order_id = uuid.uuid4().hex
        insert_order(sessions, user, order_id, at, status)
        return order_id

    return SqlOrderReads(sessions), user_maker(sessions), place_real


def walk(reads, user: int, limit: int, since=None) -> list[list[str]]:
    pages, after = [], None
    while True:
        page = reads.page(user, limit=limit, after=after, since=since)
        pages.append([order.order_id for order in page.orders])
        assert page.limit == limit
        if page.last is None:
            return pages
        assert page.last.order_id == page.orders[-1].order_id
        after = page.last


def test_pages_walk_newest_first_by_instant_then_id_without_repeats(world):
    reads, new_user, place = world
    user, other = new_user(), new_user()
    same = NOW - timedelta(days=3)
    at = [same] * 5 + [NOW - timedelta(days=d) for d in (1, 2, 40)]
    placed = {place(user, when): when for when in at}
    place(other, NOW)
    newest_first = sorted(placed, key=lambda order_id: (placed[order_id], order_id), reverse=True)

    pages = walk(reads, user, 3)

    assert pages == [newest_first[0:3], newest_first[3:6], newest_first[6:8]]
    assert walk(reads, user, 8) == [newest_first]  # exactly full: no next page


def test_since_keeps_orders_from_that_instant_on(world):
    reads, new_user, place = world
    user = new_user()
    old, recent = place(user, NOW - timedelta(days=100)), place(user, NOW - timedelta(days=2))

    assert walk(reads, user, 5, since=NOW - timedelta(days=90)) == [[recent]]
    assert walk(reads, user, 5, since=NOW - timedelta(days=2)) == [[recent]]
    assert walk(reads, user, 5) == [[recent, old]]


def test_an_order_is_found_only_by_its_owner(world):
    reads, new_user, place = world
    owner, intruder = new_user(), new_user()
    order_id = place(owner, NOW, status="SHIPPED")

    found = reads.find(owner, order_id)

    assert found.order_id == order_id and found.status == "SHIPPED" and found.total == 999
    assert [(line.name, line.quantity, line.unit_price) for line in found.lines] == [
        ("Budget Earbuds", 1, 999)
    ]
    assert found.ordered_at == NOW and found.suborders == ()
    assert reads.find(intruder, order_id) is None
    for odd in ("0" * 32, "x" * 300, "a\x00b", "../etc"):
        assert reads.find(owner, odd) is None
    assert walk(reads, intruder, 5) == [[]]
