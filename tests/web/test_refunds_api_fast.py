"""Operators' refunds through the API on the fake shop (tests/fakes/refunds.py): who may,
what the request must carry, one refund per key (docs/returns.md). The money through
the real gateway: tests/web/test_returns_stack.py."""

from __future__ import annotations

import pytest

from tests.fakes.refunds import FakeStaffRefunds

pytestmark = pytest.mark.web

ORDER = "ORDER-REFUND-1"
LAMP, MUG = 7, 8
PATH = f"/api/v1/staff/orders/{ORDER}/refunds"


@pytest.fixture
def refunds(fake_shop):
    fake = FakeStaffRefunds()
    fake.place(ORDER, {LAMP: (2, 4_200), MUG: (1, 900)})
    fake_shop.app.extensions["shopflow"].refunds = fake
    return fake


@pytest.fixture
def operator(fake_shop):
    return fake_shop.api_headers(fake_shop.new_user(role="operator"))


def post(fake_shop, headers, body, key="k-1"):
    extra = {"Idempotency-Key": key} if key else {}
    return fake_shop.app.test_client().post(PATH, json=body, headers={**headers, **extra})


def test_an_operator_refunds_a_line_once_per_key(fake_shop, refunds, operator):
    body = {"lines": [{"itemID": LAMP, "quantity": 1}], "reason": "Scratched"}

    first = post(fake_shop, operator, body)
    again = post(fake_shop, operator, body)

    assert first.status_code == 201 and first.get_json()["amount"] == 4_200
    assert again.get_json() == first.get_json() and refunds.refunded(ORDER) == 4_200
    assert post(fake_shop, operator, {**body, "reason": "Other"}).status_code == 422


def test_without_lines_everything_left_is_refunded_and_then_nothing_more(
    fake_shop, refunds, operator
):
    assert post(fake_shop, operator, {"reason": "Goodwill"}).get_json()["amount"] == 9_300
    refused = post(fake_shop, operator, {"reason": "Goodwill"}, key="k-2")
    assert refused.status_code == 409 and refused.get_json()["error"]["code"] == "refund_too_much"


@pytest.mark.parametrize(
    ("body", "key"),
    [
        ({"reason": "x"}, ""),
        ({"reason": ""}, "k"),
        ({}, "k"),
        ({"lines": [], "reason": "x"}, "k"),
        ({"lines": [{"itemID": LAMP, "quantity": 0}], "reason": "x"}, "k"),
    ],
)
def test_a_request_without_a_key_a_reason_or_sound_lines_is_a_400(
    fake_shop, refunds, operator, body, key
):
    assert post(fake_shop, operator, body, key=key).status_code == 400
    assert refunds.done == {}


def test_only_operators_refund_and_an_unknown_order_is_a_404(fake_shop, refunds, operator):
    shopper = fake_shop.api_headers()
    worker = fake_shop.api_headers(
        fake_shop.accounts.create(
            email="worker@example.com",
            password_hash="x",
            role="warehouse",
            warehouses=frozenset({1}),
        )
    )

    assert post(fake_shop, shopper, {"reason": "x"}).status_code == 403
    assert post(fake_shop, worker, {"reason": "x"}).status_code == 403
    unknown = fake_shop.app.test_client().post(
        "/api/v1/staff/orders/nope/refunds",
        json={"reason": "x"},
        headers={**operator, "Idempotency-Key": "k"},
    )
    assert unknown.status_code == 404 and refunds.done == {}
