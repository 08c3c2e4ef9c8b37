"""The guards in front of the cart, the orders and the address book, on the fakes (no
servers): the CSRF token of every browser write (web/csrf.py), the per-shopper write
limits counted by Flask-Limiter on its memory storage (web/limits.py), and the bearer
token's expiry (web/api_tokens.py). Each test makes the guarded write and checks that
nothing was written when the guard said no."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from itsdangerous.timed import TimestampSigner

from domain.cart_rules import CartOp
from tests.fakes.orders import order_view
from tests.web.shoppers import HTMX

pytestmark = pytest.mark.web

PLENTY = 12
HOME = {
    "name": "Ada Shopper",
    "line1": "1 Main St",
    "city": "Seattle",
    "postalCode": "98101",
    "country": "US",
}
FORBIDDEN_TEXT = "This form has expired or didn"


# --- CSRF ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("path", "data"),
    [
        ("/cart/add", {"item_id": str(PLENTY), "quantity": "1"}),
        (f"/cart/lines/{PLENTY}", {"quantity": "0"}),
        (f"/cart/lines/{PLENTY}/remove", {}),
        ("/account/addresses", HOME),
    ],
)
def test_a_browser_write_without_this_sessions_token_is_refused_and_writes_nothing(
    fake_shop, path, data
):
    shopper = fake_shop.shopper()
    fake_shop.carts.change(shopper.id, PLENTY, CartOp.ADD, 2)
    other = fake_shop.shopper()
    forged_headers = [
        {},  # no token at all
        {"X-CSRF-Token": "guessed"},
        {"X-CSRF-Token": shopper.csrf[:-1] + ("A" if shopper.csrf[-1] != "A" else "B")},
        {"X-CSRF-Token": other.csrf},  # a real token, of another session
        {"X-CSRF-Token": shopper.csrf + "x"},
    ]

    answers = [
        shopper.client.post(path, data=data, headers={**HTMX, **headers})
        for headers in forged_headers
    ]
    as_form_field = shopper.client.post(path, data={**data, "csrf_token": other.csrf})

    assert [answer.status_code for answer in answers] == [403] * len(forged_headers)
    assert as_form_field.status_code == 403
    assert FORBIDDEN_TEXT in answers[0].get_data(as_text=True)
    assert fake_shop.carts.read(shopper.id).units == 2 and fake_shop.addresses.writes == 0


def test_the_sessions_own_token_as_header_or_form_field_is_accepted(fake_shop):
    shopper = fake_shop.shopper()

    by_header = shopper.post("/cart/add", {"item_id": str(PLENTY), "quantity": "1"}, htmx=True)
    by_field = shopper.client.post(
        "/cart/add", data={"item_id": str(PLENTY), "quantity": "1", "csrf_token": shopper.csrf}
    )

    assert by_header.status_code == 200 and by_field.status_code == 303
    assert fake_shop.carts.read(shopper.id).units == 2


def test_the_pages_hand_htmx_the_sessions_token(fake_shop):
    shopper = fake_shop.shopper()

    page = shopper.get("/cart").get_data(as_text=True)

    assert f"""<body hx-headers='{{"X-CSRF-Token": "{shopper.csrf}"}}'>""" in page


def test_the_api_needs_no_csrf_token_and_never_trusts_the_session_cookie(fake_shop):
    shopper = fake_shop.shopper()

    with_token = shopper.client.patch(
        "/api/v1/cart?op=ADD",
        json={"itemID": PLENTY, "quantity": 1},
        headers=fake_shop.api_headers(),
    )
    cookie_only = shopper.client.patch(
        "/api/v1/cart?op=ADD", json={"itemID": PLENTY, "quantity": 1}
    )

    assert with_token.status_code == 200
    assert cookie_only.status_code == 401
    assert fake_shop.carts.read(shopper.id).units == 0


# --- limits -------------------------------------------------------------------------------


@pytest.fixture
def strict(make_fake_shop):
    """Three writes per shopper and feature a minute."""
    return make_fake_shop(shopper_write_limit_per_user="3 per minute")


def test_the_fourth_cart_change_in_a_minute_is_a_429_and_changes_nothing(strict):
    headers = strict.api_headers()
    client = strict.app.test_client()
    change = {"itemID": PLENTY, "quantity": 1}

    answers = [client.patch("/api/v1/cart?op=ADD", json=change, headers=headers) for _ in range(4)]

    assert [answer.status_code for answer in answers] == [200, 200, 200, 429]
    refused = answers[-1]
    assert refused.get_json()["error"]["code"] == "too_many_requests"
    assert "Too many changes to your cart" in refused.get_json()["error"]["message"]
    assert 1 <= int(refused.headers["Retry-After"]) <= 60
    assert refused.get_json()["error"]["retryAfter"] == int(refused.headers["Retry-After"])
    assert client.get("/api/v1/cart", headers=headers).get_json()["count"] == 3
    assert strict.carts.changes == 3


def test_the_cart_page_says_too_many_changes_in_place(strict):
    shopper = strict.shopper()
    for _ in range(3):
        shopper.post("/cart/add", {"item_id": str(PLENTY), "quantity": "1"}, htmx=True)

    refused = shopper.post("/cart/add", {"item_id": str(PLENTY), "quantity": "1"}, htmx=True)
    set_line = shopper.post(f"/cart/lines/{PLENTY}", {"quantity": "9"}, htmx=True)

    assert refused.status_code == 429 and "Too many changes to your cart" in refused.get_data(
        as_text=True
    )
    assert "HX-Trigger" not in refused.headers
    assert set_line.status_code == 429
    assert strict.carts.read(shopper.id).units == 3


def test_each_shopper_and_each_feature_has_its_own_count(strict):
    ann, bob = strict.api_headers(), strict.api_headers()
    client = strict.app.test_client()
    change = {"itemID": PLENTY, "quantity": 1}
    for _ in range(3):
        client.patch("/api/v1/cart?op=ADD", json=change, headers=ann)

    bobs = client.patch("/api/v1/cart?op=ADD", json=change, headers=bob)
    anns_address = client.post("/api/v1/addresses", json=HOME, headers=ann)

    assert bobs.status_code == 200 and anns_address.status_code == 201


def test_the_fourth_address_book_write_is_a_429_and_saves_nothing(strict):
    headers = strict.api_headers()
    client = strict.app.test_client()
    saved = client.post("/api/v1/addresses", json=HOME, headers=headers).get_json()["addressID"]
    client.put(f"/api/v1/addresses/{saved}", json=HOME, headers=headers)
    client.post("/api/v1/addresses", json=HOME, headers=headers)

    api = client.post("/api/v1/addresses", json=HOME, headers=headers)
    delete = client.delete(f"/api/v1/addresses/{saved}", headers=headers)

    assert api.status_code == 429 and api.headers["Retry-After"]
    assert delete.status_code == 429
    assert len(client.get("/api/v1/addresses", headers=headers).get_json()["addresses"]) == 2


def test_the_account_page_says_too_many_changes(strict):
    shopper = strict.shopper()
    for _ in range(3):
        shopper.post("/account/addresses", HOME, htmx=True)

    refused = shopper.post("/account/addresses", HOME, htmx=True)

    assert refused.status_code == 429
    assert "Too many changes to your address book" in refused.get_data(as_text=True)
    assert len(strict.addresses.list(shopper.id)) == 3


def test_cancel_requests_are_limited_before_the_workflow_is_asked(strict):
    shopper = strict.shopper()
    now = datetime.now(UTC)
    orders = [strict.orders.add(shopper.id, order_view(now)).order_id for _ in range(4)]

    answers = [shopper.post(f"/orders/{order_id}/cancel", htmx=True) for order_id in orders]

    assert [answer.status_code for answer in answers] == [200, 200, 200, 429]
    assert len(strict.order_client.calls) == 3
    assert 'data-status="PENDING"' in answers[-1].get_data(as_text=True)


# --- bearer token expiry ------------------------------------------------------------------


def token_issued_seconds_ago(shop, seconds: int, monkeypatch) -> dict[str, str]:
    issued_at = int(datetime.now(UTC).timestamp()) - seconds
    with monkeypatch.context() as patched:
        patched.setattr(TimestampSigner, "get_timestamp", lambda self: issued_at)
        return shop.api_headers()


def test_a_token_older_than_its_lifetime_is_refused_as_expired(fake_shop, monkeypatch):
    ttl = fake_shop.app.extensions["shopflow"].tokens.ttl_seconds
    client = fake_shop.app.test_client()

    expired = token_issued_seconds_ago(fake_shop, ttl + 5, monkeypatch)
    fresh = token_issued_seconds_ago(fake_shop, ttl - 60, monkeypatch)

    refused = client.get("/api/v1/cart", headers=expired)
    assert refused.status_code == 401
    assert "expired" in refused.get_json()["error"]["message"]
    assert refused.headers["WWW-Authenticate"].endswith('error="invalid_token"')
    assert (
        client.patch(
            "/api/v1/cart?op=ADD", json={"itemID": PLENTY, "quantity": 1}, headers=expired
        ).status_code
        == 401
    )
    assert client.get("/api/v1/orders", headers=expired).status_code == 401
    assert client.get("/api/v1/addresses", headers=expired).status_code == 401
    assert client.get("/api/v1/cart", headers=fresh).status_code == 200


def test_a_token_signed_with_another_key_or_tampered_is_refused(fake_shop):
    from web.api_tokens import ApiTokens

    client = fake_shop.app.test_client()
    user = fake_shop.new_user()
    good = fake_shop.api_headers(user)["Authorization"]
    foreign = ApiTokens("another-secret-key-" + "x" * 40, 3600).issue(user.id, "0" * 16)

    assert client.get("/api/v1/cart", headers={"Authorization": good}).status_code == 200
    for token in (foreign, good[7:-2] + "zz", "", "x" * 600):
        answer = client.get("/api/v1/cart", headers={"Authorization": f"Bearer {token}"})
        assert answer.status_code == 401, token


# --- signing out --------------------------------------------------------------------------


def test_after_signing_out_the_orders_and_the_book_ask_to_sign_in_and_the_cart_is_not_shown(
    fake_shop,
):
    shopper = fake_shop.shopper()
    shopper.post("/cart/add", {"item_id": str(PLENTY), "quantity": "2"})
    copied_cookie = shopper.client.get_cookie("session").value

    assert shopper.post("/logout").status_code == 303
    replayed = fake_shop.app.test_client()
    replayed.set_cookie("session", copied_cookie)  # an old copy of the cookie

    for client in (shopper.client, replayed):
        for path in ("/orders", "/account"):
            answer = client.get(path)
            assert answer.status_code == 303 and "/login" in answer.headers["Location"], path
        cart = client.get("/cart")  # a signed-out visitor's own (empty) cart, never theirs
        assert cart.status_code == 200
        assert 'data-test="cart-empty"' in cart.get_data(as_text=True)
