"""Sign-in attempts are throttled in Redis per (client IP, email): 429 with a message."""

from __future__ import annotations

from dataclasses import replace

import pytest

from tests.web.shoppers import PASSWORD, api_token, new_email, post_form, register_in_browser

pytestmark = [pytest.mark.web, pytest.mark.integration]

LIMIT = 3


@pytest.fixture
def strict_client(make_app, web_settings):
    return make_app(replace(web_settings, login_rate_limit_attempts=LIMIT)).test_client()


def test_too_many_browser_sign_ins_are_refused_with_429_even_with_the_right_password(strict_client):
    shopper = register_in_browser(strict_client)
    post_form(strict_client, "/logout", {})
    wrong = {"email": shopper.email, "password": "guess guess"}

    answers = [post_form(strict_client, "/login", wrong).status_code for _ in range(LIMIT)]
    blocked = post_form(strict_client, "/login", {"email": shopper.email, "password": PASSWORD})

    assert answers == [401] * LIMIT
    assert blocked.status_code == 429
    assert "Too many sign-in attempts" in blocked.get_data(as_text=True)
    assert 0 < int(blocked.headers["Retry-After"]) <= 60
    assert strict_client.get("/cart").status_code == 303  # still signed out


def test_the_limit_is_per_email_so_other_accounts_can_still_sign_in(strict_client):
    for _ in range(LIMIT + 1):
        post_form(strict_client, "/login", {"email": new_email(), "password": "x" * 10})
    victim = new_email()
    attacked = {"email": victim, "password": "guess guess"}
    for _ in range(LIMIT + 1):
        post_form(strict_client, "/login", attacked)

    other = register_in_browser(strict_client)
    post_form(strict_client, "/logout", {})
    response = post_form(strict_client, "/login", {"email": other.email, "password": PASSWORD})

    assert response.status_code == 303


def test_the_email_is_counted_however_it_is_capitalised(strict_client):
    email = new_email()
    for variant in (email, email.upper(), f" {email} "):
        post_form(strict_client, "/login", {"email": variant, "password": "guess guess"})

    response = post_form(strict_client, "/login", {"email": email.title(), "password": "guess!!"})

    assert response.status_code == 429


def test_too_many_api_token_requests_are_refused_with_429_json(strict_client):
    email, _ = api_token(strict_client)  # one attempt used

    answers = [
        strict_client.post("/api/v1/auth/token", json={"email": email, "password": PASSWORD})
        for _ in range(LIMIT)
    ]

    assert [a.status_code for a in answers] == [200] * (LIMIT - 1) + [429]
    error = answers[-1].get_json()["error"]
    assert error["code"] == "too_many_attempts"
    assert "Too many sign-in attempts" in error["message"] and error["retryAfter"] > 0
    assert answers[-1].headers["Retry-After"]


def test_sign_in_still_works_when_redis_is_down(make_app, web_settings):
    from stack.ports import free_port

    client = make_app(
        replace(web_settings, redis_url=f"redis://127.0.0.1:{free_port()}/0")
    ).test_client()
    shopper = register_in_browser(client)
    post_form(client, "/logout", {})

    response = post_form(client, "/login", {"email": shopper.email, "password": PASSWORD})

    assert response.status_code == 303
