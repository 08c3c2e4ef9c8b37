"""Password reset on the real stack (docs/security.md): the API asks for a link, the
worker mails it through the embedded mail server into var/mail/, the link's token sets
a new password once, and every session and token of the account ends."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import text

from tests.waiting import wait_until
from tests.web.shoppers import PASSWORD, new_email
from tests.web.test_order_emails import mails_to, shopflow_mail

pytest_plugins = ["tests.web.checkout_fixtures"]
pytestmark = [pytest.mark.web, pytest.mark.integration]

RESET = "/api/v1/auth/password-reset"
CONFIRM = "/api/v1/auth/password-reset/confirm"
NEW_PASSWORD = "a brand new lantern"


def mailed_token(settings, email: str) -> str:
    """The token in the newest reset email to `email` (the link's last path segment)."""
    found = wait_until(lambda: mails_to(settings, email), what=f"the reset email to {email}")
    assert found[0]["subject"] == "Reset your shopflow password"
    shown = shopflow_mail(settings, "show", found[0]["id"])
    (link,) = set(re.findall(r"http\S+/password-reset/(\S+)", shown))
    return link


def token_works(shop, email: str, password: str) -> bool:
    return (
        shop.post("/api/v1/auth/token", json={"email": email, "password": password}).status_code
        == 200
    )


def test_a_mailed_reset_link_sets_a_new_password_once_and_ends_every_session_and_token(
    shop, api_shopper, checkout_settings, checkout_engine
):
    shopper = api_shopper()
    assert shop.get("/api/v1/cart", headers=shopper.headers).status_code == 200

    asked = shop.post(RESET, json={"email": shopper.email.upper()})
    assert asked.status_code == 202
    token = mailed_token(checkout_settings, shopper.email)
    with checkout_engine.connect() as conn:
        stored = conn.execute(text("SELECT token_hash FROM password_reset_tokens")).scalars().all()
    assert token not in stored and len(token) >= 43  # only a hash is kept

    weak = shop.post(CONFIRM, json={"token": token, "password": "short"})
    assert weak.status_code == 400 and weak.get_json()["error"]["code"] == "weak_password"

    done = shop.post(CONFIRM, json={"token": token, "password": NEW_PASSWORD})
    assert done.status_code == 204
    assert shop.get("/api/v1/cart", headers=shopper.headers).status_code == 401  # token ended
    assert token_works(shop, shopper.email, NEW_PASSWORD)
    assert not token_works(shop, shopper.email, PASSWORD)

    again = shop.post(CONFIRM, json={"token": token, "password": "yet another lantern"})
    assert again.status_code == 400 and again.get_json()["error"]["code"] == "invalid_token"
    assert token_works(shop, shopper.email, NEW_PASSWORD)


def test_an_unknown_email_gets_the_same_202_and_no_mail(shop, checkout_settings):
    email = new_email("nobody")
    asked = shop.post(RESET, json={"email": email})
    assert asked.status_code == 202
    assert asked.get_json() == {
        "message": "If an account has that email, a reset link is on its way to it."
    }
    assert mails_to(checkout_settings, email) == []


def test_an_expired_link_is_refused(shop, api_shopper, checkout_settings, checkout_engine):
    shopper = api_shopper()
    assert shop.post(RESET, json={"email": shopper.email}).status_code == 202
    token = mailed_token(checkout_settings, shopper.email)
    with checkout_engine.begin() as conn:
        conn.execute(
            text(
                "UPDATE password_reset_tokens SET expires_at = :past "
                "WHERE user_id = :user AND used_at IS NULL"
            ),
            {"past": datetime.now(UTC) - timedelta(seconds=1), "user": shopper.user_id},
        )

    answer = shop.post(CONFIRM, json={"token": token, "password": NEW_PASSWORD})

    assert answer.status_code == 400 and answer.get_json()["error"]["code"] == "invalid_token"
    assert token_works(shop, shopper.email, PASSWORD)


def test_reset_requests_are_rate_limited(make_store):
    client = make_store(password_reset_limit_per_ip="2 per minute").test_client()
    ip = {"REMOTE_ADDR": "10.7.7.7"}
    answers = [
        client.post(RESET, json={"email": new_email("limit")}, environ_base=ip).status_code
        for _ in range(3)
    ]
    assert answers == [202, 202, 429]
    refused = client.post(
        CONFIRM, json={"token": "x" * 43, "password": NEW_PASSWORD}, environ_base=ip
    )
    assert refused.status_code == 429


def test_the_reset_pages_take_an_email_then_a_new_password(shop, api_shopper, checkout_settings):
    shopper = api_shopper()
    login = shop.get("/login").get_data(as_text=True)
    assert 'href="/password-reset"' in login and "Forgot password?" in login

    asked = shop.post("/password-reset", data={"email": shopper.email, "csrf_token": csrf(shop)})
    assert asked.status_code == 200 and 'data-test="reset-sent"' in asked.get_data(as_text=True)
    token = mailed_token(checkout_settings, shopper.email)

    form = shop.get(f"/password-reset/{token}")
    assert form.status_code == 200 and 'name="password"' in form.get_data(as_text=True)
    weak = shop.post(
        f"/password-reset/{token}", data={"password": "short", "csrf_token": csrf(shop)}
    )
    assert weak.status_code == 400  # as the API answers it (web/refusals.py)
    done = shop.post(
        f"/password-reset/{token}", data={"password": NEW_PASSWORD, "csrf_token": csrf(shop)}
    )
    assert done.status_code == 200 and 'data-test="reset-done"' in done.get_data(as_text=True)
    assert shop.get(f"/password-reset/{token}").status_code == 400
    assert token_works(shop, shopper.email, NEW_PASSWORD)


def csrf(client) -> str:
    page = client.get("/login").get_data(as_text=True)
    return re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
