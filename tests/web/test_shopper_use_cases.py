"""The use cases of the cart, the orders and the address book called as plain functions
on the fakes, no Flask at all: what each answers, and what it leaves untouched when it
says no."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import pytest

from domain.cart_rules import CartOp
from domain.refusals import RefusalKind
from tests.fakes.account import FakeAddressBook
from tests.fakes.cart import FakeCartItems, FakeCartStore, items_of_catalogue
from tests.fakes.orders import FakeOrderClient, FakeOrderReads, order_view
from web.account.use_cases import add_address, forget_address, replace_address, saved_address
from web.cart.use_cases import CartChanged, change_cart, form_quantity, item_to_add
from web.orders.use_cases import OrderList, cancel_order, list_orders, parse_limit
from web.refusals import Refused, status_of

pytestmark = pytest.mark.unit

PLENTY, THREE_LEFT = 12, 2
NOW = datetime(2026, 11, 30, 12, 0, tzinfo=UTC)
HOME = {
    "name": "Ada",
    "line1": "1 Main St",
    "city": "Seattle",
    "postalCode": "98101",
    "country": "US",
}


@dataclass
class Verdict:
    allowed: bool
    retry_after: int = 0


class CountingLimits:
    """Allows `allowed` writes per (shopper, feature), then refuses for 30 s."""

    max_held_units_per_item = 100  # the limit per line, out of the way here

    def __init__(self, allowed: int = 1_000) -> None:
        self.allowed = allowed
        self.hits: dict[tuple[int, str], int] = {}

    def shopper_write(self, user_id: int, feature: str) -> Verdict:
        key = (user_id, feature)
        self.hits[key] = self.hits.get(key, 0) + 1
        return Verdict(self.hits[key] <= self.allowed, 30)


def test_a_cart_change_answers_the_change_and_the_whole_cart():
    carts = FakeCartStore(items_of_catalogue())

    outcome = change_cart(carts, CountingLimits(), 1, PLENTY, CartOp.ADD, 2)

    assert isinstance(outcome, CartChanged) and outcome.added == 2
    assert outcome.cart.units == 2 and outcome.cart.lines[0].item_id == PLENTY


def test_cart_refusals_carry_their_kind_details_and_status():
    carts, limits = FakeCartStore(items_of_catalogue()), CountingLimits()

    short = change_cart(carts, limits, 1, THREE_LEFT, CartOp.ADD, 4)
    bad = change_cart(carts, limits, 1, PLENTY, CartOp.ADD, 0)
    unknown = change_cart(carts, limits, 1, 999_999, CartOp.ADD, 1)

    assert (short.code, dict(short.details), status_of(short)) == (
        "insufficient_stock", {"left": 3, "inCart": 0}, 409,
    )  # fmt: skip
    assert (bad.code, status_of(bad), unknown.code, status_of(unknown)) == (
        "invalid_quantity", 400, "not_found", 404,
    )  # fmt: skip
    assert carts.changes == 0


def test_a_bad_quantity_is_refused_before_it_counts_against_the_limit():
    limits = CountingLimits(allowed=1)
    carts = FakeCartStore(items_of_catalogue())

    change_cart(carts, limits, 1, PLENTY, CartOp.ADD, 0)
    first = change_cart(carts, limits, 1, PLENTY, CartOp.ADD, 1)
    second = change_cart(carts, limits, 1, PLENTY, CartOp.ADD, 1)

    assert isinstance(first, CartChanged)
    assert isinstance(second, Refused) and second.kind is RefusalKind.TOO_MANY_REQUESTS
    assert second.retry_after == 30 and status_of(second) == 429
    assert carts.read(1).units == 1


def test_form_quantities_and_items_to_add():
    items = FakeCartItems(FakeCartStore(items_of_catalogue()))

    assert form_quantity(" 3 ") == 3
    assert all(isinstance(form_quantity(raw), Refused) for raw in ("", "x", "-1", "1.5", "9" * 7))
    assert item_to_add(items, PLENTY).name == "Budget Earbuds"
    assert item_to_add(items, 999_999).kind is RefusalKind.NOT_FOUND


def test_a_cancel_of_someone_elses_order_asks_nobody_and_counts_nothing():
    reads, limits = FakeOrderReads(), CountingLimits()
    client = FakeOrderClient(reads)
    theirs = reads.add(2, order_view(NOW)).order_id

    outcome = cancel_order(reads, client, limits, 1, theirs)

    assert outcome.kind is RefusalKind.NOT_FOUND and client.calls == [] and limits.hits == {}


def test_a_cancel_answers_the_order_as_it_now_stands():
    reads = FakeOrderReads()
    client = FakeOrderClient(reads)
    mine = reads.add(1, order_view(NOW)).order_id

    outcome = cancel_order(reads, client, CountingLimits(), 1, mine)

    assert outcome.status == "CANCELLED" and client.calls == [(1, mine)]


def test_the_order_list_binds_its_cursor_to_the_shopper_and_since():
    reads = FakeOrderReads()
    for days in range(5):
        reads.add(1, order_view(NOW - timedelta(days=days)))
        reads.add(2, order_view(NOW - timedelta(days=days)))

    first = list_orders(reads, 1, limit=2, since=None, cursor=None)
    assert isinstance(first, OrderList) and first.next_cursor
    again = list_orders(reads, 1, limit=2, since=None, cursor=first.next_cursor)
    foreign = list_orders(reads, 2, limit=2, since=None, cursor=first.next_cursor)
    other_since = list_orders(reads, 1, limit=2, since="2026-01-01", cursor=first.next_cursor)

    assert isinstance(again, OrderList) and len(again.orders) == 2
    assert foreign.kind == other_since.kind is RefusalKind.BAD_REQUEST
    assert parse_limit("") == 20 and parse_limit("0").kind is RefusalKind.BAD_REQUEST


def test_the_address_book_checks_first_then_counts_then_writes():
    book, limits = FakeAddressBook(), CountingLimits(allowed=2)

    invalid = add_address(book, limits, 1, {**HOME, "country": "Narnia"})
    saved = add_address(book, limits, 1, HOME)
    replaced = replace_address(
        book, limits, 1, str(saved.id), {**HOME, "city": "Tacoma", "postalCode": "98402"}
    )
    refused = forget_address(book, limits, 1, str(saved.id))

    assert invalid.kind is RefusalKind.INVALID_ADDRESS and "country" in invalid.details["fields"]
    assert replaced.city == "Tacoma"
    assert refused.kind is RefusalKind.TOO_MANY_REQUESTS and book.find(1, saved.id) is not None
    assert saved_address(book, 2, str(saved.id)).kind is RefusalKind.NOT_FOUND
    assert saved_address(book, 1, "new").kind is RefusalKind.NOT_FOUND
