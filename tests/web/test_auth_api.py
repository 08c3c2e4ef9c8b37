"""API accounts: register, get a bearer token, use it; every mistake is a 4xx with a message."""

from __future__ import annotations

import time

import pytest
from itsdangerous import TimestampSigner, URLSafeTimedSerializer

from tests.web.auth_fast import *  # noqa: F403 - app, client, shopper, ... on fakes
from tests.web.shoppers import PASSWORD, api_token, bearer, new_email
from web.api_tokens import SALT

pytestmark = pytest.mark.web


def error_of(response) -> dict:
    body = response.get_json()
    assert body and body["error"]["message"], response.get_data(as_text=True)
    return body["error"]


def test_registering_answers_201_with_the_new_user_id_and_email(client):
    email = new_email()

    response = client.post(
        "/api/v1/auth/register", json={"email": f"  {email.upper()} ", "password": PASSWORD}
    )

    assert response.status_code == 201
    body = response.get_json()
    assert list(body) == ["userID", "email"]
    assert isinstance(body["userID"], int) and body["email"] == email
    assert response.headers["Cache-Control"] == "private, no-store"


def test_a_token_opens_the_shoppers_own_cart(client):
    email, _ = api_token(client)

    issued = client.post("/api/v1/auth/token", json={"email": email, "password": PASSWORD})
    body = issued.get_json()

    assert issued.status_code == 200
    assert body["tokenType"] == "Bearer" and body["expiresIn"] == 86_400
    assert issued.headers["Cache-Control"] == "private, no-store"
    cart = client.get("/api/v1/cart", headers=bearer(body["token"]))
    assert cart.status_code == 200
    assert cart.get_json() == {"items": [], "total": 0, "count": 0}


def test_without_a_token_the_cart_api_answers_401_and_says_how_to_get_one(client):
    response = client.get("/api/v1/cart")

    assert response.status_code == 401
    assert error_of(response)["code"] == "unauthorized"
    assert "POST /api/v1/auth/token" in error_of(response)["message"]
    assert response.headers["WWW-Authenticate"].startswith("Bearer")


@pytest.mark.parametrize(
    "authorization",
    [
        "Bearer not-a-token",
        "Bearer ",
        "Basic dXNlcjpwYXNz",
        "Bearer " + "x" * 5000,
        "bearer eyJ1IjoxLCJwIjoiYWJjIn0.forged.signature",
    ],
)
def test_a_bad_token_is_a_401_never_a_crash(client, authorization):
    response = client.get("/api/v1/cart", headers={"Authorization": authorization})

    assert response.status_code == 401
    assert error_of(response)["code"] == "unauthorized"
    assert 'error="invalid_token"' in response.headers["WWW-Authenticate"]


def test_a_tampered_token_is_refused(client, api_headers):
    token = api_headers["Authorization"].removeprefix("Bearer ")
    payload, rest = token.split(".", 1)
    tampered = payload[:-2] + ("AA" if payload[-2:] != "AA" else "BB") + "." + rest

    assert client.get("/api/v1/cart", headers=bearer(tampered)).status_code == 401


def test_an_expired_token_is_refused_and_says_so(client, web_settings):
    email, headers = api_token(client)
    user_token = headers["Authorization"].removeprefix("Bearer ")
    claims = URLSafeTimedSerializer(web_settings.secret_key, salt=SALT).loads(user_token)

    class TwoDaysAgo(TimestampSigner):
        def get_timestamp(self) -> int:
            return int(time.time()) - 2 * 86_400

    old = URLSafeTimedSerializer(web_settings.secret_key, salt=SALT, signer=TwoDaysAgo).dumps(
        claims
    )

    response = client.get("/api/v1/cart", headers=bearer(old))
    assert response.status_code == 401
    assert "expired" in error_of(response)["message"]


def test_a_token_signed_with_another_key_is_refused(client, api_headers, web_settings):
    claims = URLSafeTimedSerializer(web_settings.secret_key, salt=SALT).loads(
        api_headers["Authorization"].removeprefix("Bearer ")
    )
    forged = URLSafeTimedSerializer("someone-elses-key", salt=SALT).dumps(claims)

    assert client.get("/api/v1/cart", headers=bearer(forged)).status_code == 401


def test_a_wrong_password_gets_no_token(client):
    email, _ = api_token(client)

    response = client.post("/api/v1/auth/token", json={"email": email, "password": "nope nope"})

    assert response.status_code == 401
    assert error_of(response) == {
        "code": "invalid_credentials",
        "message": "Wrong email or password.",
    }


def test_a_duplicate_email_is_a_409(client):
    email, _ = api_token(client)

    response = client.post("/api/v1/auth/register", json={"email": email, "password": PASSWORD})

    assert response.status_code == 409
    assert error_of(response)["code"] == "email_taken"


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ({"email": "nobody", "password": PASSWORD}, "doesn't look like an email"),
        ({"email": "", "password": PASSWORD}, "Enter your email address."),
        ({"email": "NEW", "password": "short"}, "at least 8 characters"),
        ({"email": "NEW", "password": ""}, "Enter a password."),
        ({"email": "NEW", "password": "12345678"}, "too easy to guess"),
        ({"email": "NEW"}, "password is required."),
        ({"password": PASSWORD}, "email is required."),
        ({"email": "NEW", "password": None}, "password is required."),
        ({"email": 42, "password": PASSWORD}, "email must be a string, got a number."),
        ({"email": "NEW", "password": True}, "password must be a string, got a boolean."),
        ({"email": ["NEW"], "password": PASSWORD}, "email must be a string, got a list."),
    ],
)
def test_bad_registrations_are_400s_with_a_message(client, body, message):
    body = {k: (new_email() if v == "NEW" else v) for k, v in body.items()}

    response = client.post("/api/v1/auth/register", json=body)

    assert response.status_code == 400
    assert message in error_of(response)["message"]


@pytest.mark.parametrize("path", ["/api/v1/auth/register", "/api/v1/auth/token"])
@pytest.mark.parametrize(
    "data",
    [
        "{not json",
        "",
        "[1, 2]",
        '"just a string"',
        "null",
        '{"email": "a@b.co", "password": 1e999}',
    ],
)
def test_malformed_bodies_are_400s_with_a_message(client, path, data):
    response = client.post(path, data=data, content_type="application/json")

    assert response.status_code == 400
    assert error_of(response)["message"]


def test_a_new_password_revokes_old_tokens(make_fake_shop):
    from dataclasses import replace

    from tests.web.shoppers import api_token
    from web.auth.accounts import hash_password

    # Remembering token users (API_USER_CACHE_SECONDS) would delay this by that long.
    shop = make_fake_shop(api_user_cache_seconds=0)
    client = shop.app.test_client()
    api_headers = api_token(client)[1]

    assert client.get("/api/v1/cart", headers=api_headers).status_code == 200
    token = api_headers["Authorization"].removeprefix("Bearer ")
    settings = shop.app.extensions["shopflow"].settings
    user_id = URLSafeTimedSerializer(settings.secret_key, salt=SALT).loads(token)["u"]
    # Only the hash changes (no new epoch): the token's fingerprint alone must notice.
    user = shop.users[user_id]
    shop.users[user_id] = replace(user, password_hash=hash_password("another fine password"))

    response = client.get("/api/v1/cart", headers=api_headers)
    assert response.status_code == 401 and "revoked" in error_of(response)["message"]
