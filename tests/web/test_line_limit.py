"""One limit per line (domain/cart_rules.py): the cart refuses the 11th unit of an item
with the very words the checkout refuses 11 with, and the item page says the limit
before anyone tries (its HTML: tests/web/test_cart_stack.py). On the fakes, with the
production default (10)."""

from __future__ import annotations

import pytest

from domain.cart_rules import (
    DEFAULT_LINE_LIMIT,
    CartOp,
    LineLimitReached,
    check_change,
    limit_in_force,
    line_limit_message,
)
from domain.stock import Line
from tests.fakes.checkout import CheckoutWorld
from tests.fakes.shop import build_fake_shop
from web.checkout import use_cases as checkout

pytestmark = pytest.mark.web

PLENTY = 12  # "Budget Earbuds": 100 in stock (tests/web/catalogue.py)


def checkout_refusal(quantity: int) -> str | None:
    world = CheckoutWorld({PLENTY: 100})
    outcome = checkout.begin(world.ports, 1, [Line(PLENTY, quantity)])
    return outcome.message if isinstance(outcome, checkout.Refused) else None


def test_the_cart_refuses_11_with_the_message_checkout_gives(fake_shop):
    headers = fake_shop.api_headers()
    client = fake_shop.app.test_client()

    def add(quantity: int):
        body = {"itemID": PLENTY, "quantity": quantity}
        return client.patch("/api/v1/cart?op=ADD", json=body, headers=headers)

    eleven = add(11)
    ten = add(10)
    one_more = add(1)

    assert eleven.status_code == 409 and one_more.status_code == 409
    assert eleven.get_json()["error"]["code"] == "line_limit"
    assert eleven.get_json()["error"]["message"] == checkout_refusal(11)
    assert one_more.get_json()["error"]["message"] == checkout_refusal(11)
    assert checkout_refusal(11) == line_limit_message(DEFAULT_LINE_LIMIT)
    assert ten.status_code == 200 and checkout_refusal(10) is None


def test_the_operators_limit_is_the_one_cart_page_and_checkout_use():
    shop = build_fake_shop(max_held_units_per_item=3)
    client = shop.app.test_client()

    refused = client.patch(
        "/api/v1/cart?op=ADD", json={"itemID": PLENTY, "quantity": 4}, headers=shop.api_headers()
    )
    with shop.app.test_request_context(f"/items/{PLENTY}"):
        limit = shop.app.jinja_env.globals["max_quantity_per_line"]()

    assert refused.status_code == 409
    assert refused.get_json()["error"]["message"] == line_limit_message(3)
    assert refused.get_json()["error"]["max"] == 3
    assert limit == 3  # the item page's "Limit 3 per order" (tests/web/test_cart_stack.py)


@pytest.mark.unit
def test_the_rule_holds_the_limit_within_what_any_request_may_ask():
    with pytest.raises(LineLimitReached) as refused:
        check_change(current=10, new=11, stock=100, lines_in_cart=1, line_limit=10)
    check_change(current=9, new=10, stock=100, lines_in_cart=1, line_limit=10)

    assert refused.value.message == line_limit_message(10)
    assert limit_in_force(1_000) == 100 and limit_in_force(0) == 1
    assert CartOp.ADD == "ADD"


@pytest.mark.unit
def test_the_settings_default_is_the_domains():
    from dataclasses import fields

    from settings import Settings

    (field,) = [f for f in fields(Settings) if f.name == "max_held_units_per_item"]
    assert field.default == DEFAULT_LINE_LIMIT
