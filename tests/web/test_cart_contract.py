"""The cart's fake (tests/fakes/cart.py) and its real adapter (web/cart/adapters.py over
PostgreSQL) answer every scenario alike: the same test, run against each. The fast web
tests of the cart trust the fake because of this."""

from __future__ import annotations

import pytest

from db.postgres.carts import CartChange, UnknownItem
from domain.cart_rules import CartOp, InsufficientStock, LineLimitReached
from tests.web.cart_ids import PLENTY, SOLD_OUT, THREE_LEFT


@pytest.fixture(
    params=[
        pytest.param("fake", marks=pytest.mark.unit),
        pytest.param("real", marks=pytest.mark.integration),
    ]
)
def world(request):
    """(carts, items, new_user): the cart store, the item reads and a way to make a shopper."""
    if request.param == "fake":
        from tests.fakes.cart import FakeCartItems, FakeCartStore, items_of_catalogue

        carts = FakeCartStore(items_of_catalogue())
        ids = iter(range(1, 10_000))
        return carts, FakeCartItems(carts), lambda: next(ids)
    from tests.web.contract_worlds import real_sessions, user_maker
    from web.cart.adapters import SqlCartItems, SqlCartStore

    sessions = real_sessions(request)
    return SqlCartStore(sessions), SqlCartItems(sessions), user_maker(sessions)


def test_a_new_shoppers_cart_is_empty(world):
    carts, _, new_user = world
    user = new_user()

    assert carts.read(user).lines == () and carts.units(user) == 0


def test_adds_accumulate_and_answer_before_and_after(world):
    carts, _, new_user = world
    user = new_user()

    first, _ = carts.change(user, PLENTY, CartOp.ADD, 2)
    second, cart = carts.change(user, PLENTY, CartOp.ADD, 3)
    carts.change(user, THREE_LEFT, CartOp.ADD, 1)

    assert (first.before, first.after, second.before, second.after) == (0, 2, 2, 5)
    assert second.name == "Budget Earbuds"
    assert [(line.item_id, line.quantity, line.price) for line in cart.lines] == [(PLENTY, 5, 999)]
    assert [line.item_id for line in carts.read(user).lines] == [THREE_LEFT, PLENTY]
    assert carts.units(user) == 6


def test_refusals_say_why_and_write_nothing(world):
    carts, _, new_user = world
    user = new_user()
    carts.change(user, THREE_LEFT, CartOp.ADD, 2)
    carts.change(user, PLENTY, CartOp.ADD, 60)

    with pytest.raises(InsufficientStock) as short:
        carts.change(user, THREE_LEFT, CartOp.ADD, 2)
    with pytest.raises(InsufficientStock) as sold_out:
        carts.change(user, SOLD_OUT, CartOp.SET, 1)
    with pytest.raises(LineLimitReached):
        carts.change(user, PLENTY, CartOp.ADD, 50)
    for unknown in (999_999, 0, -5, 2**70):
        with pytest.raises(UnknownItem):
            carts.change(user, unknown, CartOp.ADD, 1)

    assert (short.value.left, short.value.in_cart, sold_out.value.left) == (3, 2, 0)
    assert {line.item_id: line.quantity for line in carts.read(user).lines} == {
        THREE_LEFT: 2,
        PLENTY: 60,
    }


def test_remove_and_set_shrink_lines_and_zero_removes_them(world):
    carts, _, new_user = world
    user = new_user()

    nothing, _ = carts.change(user, PLENTY, CartOp.REMOVE, 1)  # no cart yet: nothing to do
    carts.change(user, PLENTY, CartOp.ADD, 5)
    fewer, _ = carts.change(user, PLENTY, CartOp.REMOVE, 2)
    exact, _ = carts.change(user, PLENTY, CartOp.SET, 9)
    gone, cart = carts.change(user, PLENTY, CartOp.REMOVE, 50)

    assert nothing == CartChange(PLENTY, "Budget Earbuds", 0, 0)
    assert (fewer.after, exact.after, gone.after) == (3, 9, 0)
    assert cart.lines == ()


def test_one_shoppers_changes_never_reach_anothers_cart(world):
    carts, _, new_user = world
    ann, bob = new_user(), new_user()

    carts.change(ann, PLENTY, CartOp.ADD, 4)
    carts.change(bob, PLENTY, CartOp.SET, 0)

    assert carts.units(ann) == 4 and carts.units(bob) == 0


def test_item_reads_answer_the_catalogue_with_its_stock(world):
    _, items, _ = world

    plenty, three = items.find(PLENTY), items.find(THREE_LEFT)

    assert (plenty.name, plenty.price, plenty.stock) == ("Budget Earbuds", 999, 100)
    assert three.stock == 3 and items.find(SOLD_OUT).in_stock is False
    assert items.find(999_999) is None and items.find(0) is None and items.find(2**70) is None
