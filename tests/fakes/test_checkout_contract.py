"""The checkout fakes (tests/fakes/checkout.py) answer as the real adapters do.

Every scenario runs twice: on the fakes (fast layer) and on the real adapters
(integration: CheckoutWorkflow on the session's Temporal with a real worker, the
sandbox vault and the catalogue in PostgreSQL, the limits in Redis).
"""

from __future__ import annotations

import dataclasses
import itertools
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

import pytest
import redis

from domain.checkout import CheckoutStatus
from domain.refusals import RefusalKind
from domain.stock import Line
from payments.gateway import Card, InvalidCard
from payments.sandbox import APPROVED_CARD, DECLINED_CARD
from payments.vault_keys import card_sealer
from settings import Settings
from tests.fakes.checkout import CheckoutWorld, memory_limits
from web.checkout_errors import CheckoutNotFound, CheckoutRefused
from web.limits import AbuseLimits
from workflows.checkout_messages import PaymentMethod, PayRequest, ShippingAddress
from workflows.task_queues import Service, task_queue

pytest_plugins = ["tests.web.checkout_fixtures"]

S = CheckoutStatus
ADDRESS = ShippingAddress("Ada Shopper", "1 Main St", "Seattle", "98101", "US")
_users = itertools.count(1_700_001)  # apart from the other checkout tests' shoppers


@dataclass
class Side:
    checkouts: Any
    vault: Any
    items: Any
    limits: AbuseLimits
    new_item: Callable[[int], int]
    stock_of: Callable[[int], int]


@pytest.fixture(params=["fake", pytest.param("real", marks=pytest.mark.integration)])
def side(request) -> Iterator[Side]:
    if request.param == "fake":
        world = CheckoutWorld({})
        ids = itertools.count(1)

        def new_item(stock: int) -> int:
            item_id = next(ids)
            world.checkouts.stock[item_id] = stock
            world.items.known.add(item_id)
            return item_id

        yield Side(
            world.checkouts,
            world.vault,
            world.items,
            world.limits,
            new_item,
            lambda item_id: world.checkouts.stock[item_id],
        )
        return
    yield from _real_side(request)


def _real_side(request) -> Iterator[Side]:
    from db.postgres.engine import make_engine, make_session_factory
    from payments.sandbox import SandboxGateway
    from web.checkout.adapters import DbItemLookup
    from web.checkout_client import TemporalCheckouts
    from web.temporal_gateway import TemporalGateway

    settings: Settings = request.getfixturevalue("checkout_settings")
    stock_item = request.getfixturevalue("stock_item")
    stock_of = request.getfixturevalue("stock_of")
    engine = make_engine(settings.database_url)
    sessions = make_session_factory(engine)
    client = redis.Redis.from_url(settings.redis_url)
    gateway = TemporalGateway(settings)
    production = Settings.from_env({})
    limits_settings = dataclasses.replace(
        settings, hold_limit_per_item=production.hold_limit_per_item
    )
    from flask import Flask

    try:
        yield Side(
            TemporalCheckouts(
                gateway,
                client,
                task_queue(settings.task_queue, Service.CHECKOUT),
                production.reservation_ttl_seconds,
            ),
            SandboxGateway(sessions, card_sealer(settings)),
            DbItemLookup(sessions),
            AbuseLimits(Flask(__name__), limits_settings),
            lambda stock: stock_item(stock),
            stock_of,
        )
    finally:
        gateway.close()
        client.close()
        engine.dispose()


def pay_request(side: Side, user_id: int, number: str) -> PayRequest:
    method = side.vault.tokenize(Card(number, "12/39", "123", "Ada"))
    return PayRequest(user_id, PaymentMethod(method.id, method.brand, method.last4), ADDRESS)


def test_begin_holds_once_and_a_second_begin_joins(side):
    user = next(_users)
    item = side.new_item(5)
    first = side.checkouts.begin(user, [Line(item, 2)])
    second = side.checkouts.begin(user, [Line(item, 2)])

    assert first.new and not second.new
    assert first.view.status is S.RESERVED and first.view.checkout_id == second.view.checkout_id
    assert side.stock_of(item) == 3
    assert side.checkouts.current(user).checkout_id == first.view.checkout_id
    with pytest.raises(CheckoutNotFound):
        side.checkouts.state(next(_users), first.view.checkout_id)
    side.checkouts.cancel(user, first.view.checkout_id)


def test_a_short_begin_holds_nothing_and_names_the_line(side):
    user = next(_users)
    item = side.new_item(1)
    begun = side.checkouts.begin(user, [Line(item, 2)])

    assert begun.view.status is S.OUT_OF_STOCK
    assert [(s.item_id, s.asked, s.left) for s in begun.view.short_lines] == [(item, 2, 1)]
    assert side.stock_of(item) == 1


def test_decline_then_pay_then_cancel_then_the_closing_refusal(side):
    user = next(_users)
    item = side.new_item(5)
    checkout_id = side.checkouts.begin(user, [Line(item, 1)]).view.checkout_id

    declined = side.checkouts.pay(
        user, checkout_id, pay_request(side, user, DECLINED_CARD), place_order=False
    )
    paid = side.checkouts.pay(
        user, checkout_id, pay_request(side, user, APPROVED_CARD), place_order=False
    )
    with pytest.raises(CheckoutRefused) as again:
        side.checkouts.pay(
            user, checkout_id, pay_request(side, user, APPROVED_CARD), place_order=False
        )
    cancelled = side.checkouts.cancel(user, checkout_id)
    with pytest.raises(CheckoutRefused) as after:
        side.checkouts.submit(user, checkout_id)

    assert not declined.approved and declined.decline_code == "card_declined"
    assert paid.approved and paid.status is S.PAYMENT_AUTHORIZED and paid.card_last4 == "4242"
    assert again.value.refusal.kind is RefusalKind.ALREADY_PAID
    assert cancelled.status is S.CANCELLED
    assert cancelled.closing_refusal.kind is RefusalKind.CHECKOUT_CANCELLED
    assert after.value.refusal.kind is RefusalKind.CHECKOUT_CANCELLED
    assert side.stock_of(item) == 5
    assert side.checkouts.cancel(user, checkout_id).status is S.CANCELLED  # twice is fine


def test_the_vault_refuses_what_can_never_be_charged(side):
    for number in ("4242424242424241", "42424242420"):
        with pytest.raises(InvalidCard) as refused:
            side.vault.tokenize(Card(number, "12/39", "123", "Ada"))
        assert refused.value.code == "invalid_number"
    method = side.vault.tokenize(Card(APPROVED_CARD, "12/39", "123", "Ada"))
    assert (method.brand, method.last4) == ("visa", "4242")


def test_unknown_items_are_named_in_order(side):
    item = side.new_item(1)
    assert side.items.unknown([9_000_000_002, item, 9_000_000_001]) == [
        9_000_000_001,
        9_000_000_002,
    ]


def test_holds_of_one_item_are_counted_per_shopper(side):
    user, item = next(_users), next(_users)
    for _ in range(5):
        assert side.limits.holds_left(user, item).allowed
        side.limits.hold_begun(user, item)
    refused = side.limits.holds_left(user, item)
    assert not refused.allowed and refused.retry_after > 0
    assert side.limits.holds_left(user, item + 1).allowed
    assert side.limits.holds_left(user + 1, item).allowed


def test_memory_limits_are_production_limits():
    assert memory_limits().settings.payment_limit_per_checkout == (
        Settings.from_env({}).payment_limit_per_checkout
    )
