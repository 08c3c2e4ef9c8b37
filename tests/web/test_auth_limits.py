"""Sign-in and registration limits (web/limits.py) on Flask-Limiter's memory storage:
failures per address, per (account, address) and per account that never refuse the
owner, registrations per address, and sign-in failing closed when the limiter's store
cannot be asked. Each test lowers one limit."""

from __future__ import annotations

from dataclasses import replace

import pytest

from stack.ports import free_port
from tests.web.auth_fast import *  # noqa: F403 - app, client, make_app, ... on fakes
from tests.web.shoppers import PASSWORD, new_email, post_form, register_in_browser

pytestmark = pytest.mark.web


def from_ip(address: str) -> dict:
    return {"environ_base": {"REMOTE_ADDR": address}}


def unique_ip() -> str:
    port = free_port()  # any number nobody else uses this session
    return f"10.{port // 65536 % 256}.{port // 256 % 256}.{port % 256}"


def token_attempt(client, email: str, password: str, ip: str):
    return client.post(
        "/api/v1/auth/token", json={"email": email, "password": password}, **from_ip(ip)
    )


def test_a_password_sprayed_over_fifteen_emails_from_one_ip_gets_a_429(make_app, web_settings):
    client = make_app(replace(web_settings, login_limit_per_ip="10 per minute")).test_client()
    ip = unique_ip()

    answers = [token_attempt(client, new_email(), "Summer2026!", ip) for _ in range(15)]

    assert [a.status_code for a in answers] == [401] * 10 + [429] * 5
    error = answers[-1].get_json()["error"]
    assert error["code"] == "too_many_attempts" and error["retryAfter"] > 0
    assert 0 < int(answers[-1].headers["Retry-After"]) <= 60
    # Another network is not punished for it.
    assert token_attempt(client, new_email(), "Summer2026!", unique_ip()).status_code == 401


def test_guessing_one_account_from_many_ips_refuses_those_ips_but_never_the_owner(
    make_app, web_settings
):
    client = make_app(
        replace(web_settings, login_limit_per_account="3 per minute;10 per hour")
    ).test_client()
    shopper = register_in_browser(client)
    post_form(client, "/logout", {})
    variants = [shopper.email, shopper.email.upper(), f" {shopper.email} "]
    ips = [unique_ip() for _ in variants]

    guesses = [
        token_attempt(client, v, "guess guess", ip) for v, ip in zip(variants, ips, strict=True)
    ]
    again = token_attempt(client, shopper.email, PASSWORD, ips[0])
    owner = token_attempt(client, shopper.email, PASSWORD, unique_ip())

    assert [g.status_code for g in guesses] == [401, 401, 401]
    assert again.status_code == 429, "the per-account window backs off every guessing network"
    assert owner.status_code == 200, "an address that never failed is never refused"


def test_the_sign_in_page_says_too_many_attempts(make_app, web_settings):
    client = make_app(replace(web_settings, login_limit_per_account="2 per minute")).test_client()
    email = new_email()
    for _ in range(2):
        post_form(client, "/login", {"email": email, "password": "guess guess"})

    blocked = post_form(client, "/login", {"email": email, "password": "guess guess"})

    assert blocked.status_code == 429
    assert "Too many sign-in attempts" in blocked.get_data(as_text=True)


def test_sign_in_fails_closed_with_a_503_when_redis_is_down(make_app, web_settings):
    healthy = make_app().test_client()
    shopper = register_in_browser(healthy)
    down = make_app(
        replace(web_settings, redis_url=f"redis://127.0.0.1:{free_port()}/0")
    ).test_client()

    page = post_form(down, "/login", {"email": shopper.email, "password": PASSWORD})
    api = down.post("/api/v1/auth/token", json={"email": shopper.email, "password": PASSWORD})

    assert page.status_code == 503 and "unavailable" in page.get_data(as_text=True)
    assert api.status_code == 503 and api.get_json()["error"]["code"] == "sign_in_unavailable"


def test_registrations_from_one_ip_are_limited(make_app, web_settings):
    client = make_app(replace(web_settings, register_limit_per_ip="3 per hour")).test_client()
    ip = unique_ip()

    answers = [
        client.post(
            "/api/v1/auth/register",
            json={"email": new_email(), "password": PASSWORD},
            **from_ip(ip),
        )
        for _ in range(4)
    ]

    assert [a.status_code for a in answers] == [201, 201, 201, 429]
    assert answers[-1].get_json()["error"]["code"] == "too_many_registrations"
