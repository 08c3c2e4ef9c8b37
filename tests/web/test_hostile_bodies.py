"""Hostile bodies, cursors and text get a clear 4xx, never a 500, and write nothing.

The review's findings, each a request that answered 500 before: a Unicode digit in a
card number, a NUL byte in an email, JSON nested 5,000 deep (cart PATCH, BEGIN with an
Idempotency-Key, an orders cursor); and Arabic-Indic digits that made the always-declined
test card pass.
"""

from __future__ import annotations

import base64
import uuid

import fakeredis
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.web.auth_fast import *  # noqa: F403 - client, api_headers, ... on fakes
from tests.web.shoppers import PASSWORD, new_email, post_form

pytestmark = pytest.mark.web

DEEP = "[" * 5_000 + "]" * 5_000
DEEP_OBJECT = '{"a":' * 5_000 + "1" + "}" * 5_000
ADDRESS = {
    "name": "Ada",
    "line1": "1 Main St",
    "city": "Seattle",
    "postalCode": "98101",
    "country": "US",
}
ARABIC_INDIC = str.maketrans("0123456789", "٠١٢٣٤٥٦٧٨٩")


@pytest.fixture
def fake_auth(make_fake_shop, monkeypatch):
    """The fake shop, with Idempotency-Key's answers on fakeredis (BEGIN claims its key
    before it reads the body)."""
    shop = make_fake_shop()
    monkeypatch.setattr(shop.app.extensions["shopflow"], "redis", fakeredis.FakeRedis())
    return shop


def _payment_url() -> str:
    return f"/api/v1/checkout/{uuid.uuid4().hex}/payment"


def _card(number: str, cvc: str = "123") -> dict:
    return {
        "paymentDetails": {"cardNumber": number, "expiry": "12/30", "cvc": cvc, "name": "Ada"},
        "shippingAddress": ADDRESS,
    }


def _error(response) -> dict:
    assert 400 <= response.status_code < 500, (response.status_code, response.data[:300])
    return response.get_json()["error"]


@pytest.mark.parametrize("body", [DEEP, DEEP_OBJECT], ids=["list", "object"])
def test_json_nested_five_thousand_deep_is_a_400_on_the_cart(client, api_headers, body):
    response = client.patch(
        "/api/v1/cart?op=ADD", data=body, content_type="application/json", headers=api_headers
    )
    assert response.status_code == 400 and "deeper" in _error(response)["message"]


def test_json_nested_five_thousand_deep_is_a_400_on_begin_with_an_idempotency_key(
    client, api_headers
):
    response = client.post(
        "/api/v1/checkout?op=BEGIN",
        data=DEEP,
        content_type="application/json",
        headers={**api_headers, "Idempotency-Key": uuid.uuid4().hex},
    )
    assert response.status_code == 400, response.data[:300]


def test_an_orders_cursor_nesting_five_thousand_deep_is_a_400(client, api_headers):
    cursor = base64.urlsafe_b64encode(DEEP.encode()).decode().rstrip("=")
    response = client.get(
        "/api/v1/orders", query_string={"nextCursor": cursor}, headers=api_headers
    )
    assert response.status_code == 400


@pytest.mark.parametrize(
    "number",
    [
        "424242424242424²",
        "4000 0000 0000 0002".translate(ARABIC_INDIC),
        "４２４２４２４２４２４２４２４２",
    ],
    ids=["superscript two", "arabic-indic declined card", "full-width"],
)
def test_a_card_number_in_anything_but_ascii_digits_is_refused(client, api_headers, number):
    response = client.post(_payment_url(), json=_card(number), headers=api_headers)
    assert response.status_code == 422 and _error(response)["code"] == "invalid_number"


def test_a_cvc_in_arabic_indic_digits_is_refused(client, api_headers):
    response = client.post(
        _payment_url(),
        json=_card("4242 4242 4242 4242", "123".translate(ARABIC_INDIC)),
        headers=api_headers,
    )
    assert response.status_code == 422 and _error(response)["code"] == "invalid_cvc"


@pytest.mark.parametrize("path", ["/api/v1/auth/register", "/api/v1/auth/token"])
def test_a_nul_byte_in_an_email_is_a_400(client, path):
    response = client.post(path, json={"email": "ann\x00@example.com", "password": PASSWORD})
    assert response.status_code == 400 and "characters" in _error(response)["message"]


def test_control_characters_in_a_form_or_query_string_are_a_400(client):
    assert client.get("/search", query_string={"query": "tent\x00"}).status_code == 400
    signed_in = post_form(client, "/login", {"email": "a\x1b@example.com", "password": PASSWORD})
    assert signed_in.status_code == 400
    assert client.get("/api/v1/items", query_string={"brand": "\x07"}).status_code == 400


def test_a_full_width_or_upper_case_email_is_the_same_account(client):
    email = new_email("rev")
    first = client.post("/api/v1/auth/register", json={"email": email, "password": PASSWORD})
    assert first.status_code == 201
    local, _, domain = email.partition("@")
    full_width = "".join(chr(ord(c) + 0xFEE0) if c.isalnum() else c for c in local.upper())
    for variant in (email.upper(), f"{full_width}@{domain}"):
        again = client.post("/api/v1/auth/register", json={"email": variant, "password": PASSWORD})
        assert again.status_code == 409 and _error(again)["code"] == "email_taken", variant
        token = client.post("/api/v1/auth/token", json={"email": variant, "password": PASSWORD})
        assert token.status_code == 200, variant


hostile_text = st.one_of(
    st.text(max_size=40),
    st.text(st.characters(max_codepoint=0x9F), max_size=10),
    st.text(st.characters(categories=["Nd", "No"]), min_size=12, max_size=19),
)
json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | hostile_text,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(hostile_text, inner, max_size=3),
    max_leaves=20,
)


@settings(
    max_examples=80, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    number=hostile_text,
    cvc=hostile_text,
    name=hostile_text,
    city=hostile_text,
    extra=json_values,
)
def test_any_payment_body_is_answered_with_a_4xx_before_a_checkout_is_touched(
    client, api_headers, number, cvc, name, city, extra
):
    body = _card(number, cvc)
    body["paymentDetails"]["name"] = name
    body["shippingAddress"] = {**ADDRESS, "city": city, "extra": extra}
    response = client.post(_payment_url(), json=body, headers=api_headers)
    # A body that passes every check reaches the (unknown) checkout: 404, still a 4xx.
    assert 400 <= response.status_code < 500, (response.status_code, response.data[:300])


@settings(
    max_examples=80, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(email=hostile_text, password=hostile_text)
def test_any_email_and_password_get_a_4xx_or_an_account_never_a_500(client, email, password):
    for path in ("/api/v1/auth/register", "/api/v1/auth/token"):
        response = client.post(path, json={"email": email, "password": password})
        assert response.status_code < 500, (path, email, password, response.data[:300])
