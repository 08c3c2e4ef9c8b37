"""CSRF: every state-changing browser request needs this session's token; the bearer API doesn't.

The test client runs with CSRF protection on, exactly as in production (it has no
testing switch), so these prove the real thing.
"""

from __future__ import annotations

import pytest

from tests.web.auth_fast import *  # noqa: F403 - app, client, shopper, ... on fakes
from tests.web.shoppers import (
    HTMX,
    PASSWORD,
    csrf_field_of,
    csrf_token_of,
    new_email,
    register_in_browser,
)

pytestmark = pytest.mark.web

FORBIDDEN_TEXT = "This form has expired or didn"


def test_every_page_hands_htmx_the_token_and_every_form_carries_the_same_one(client):
    token = csrf_token_of(client, "/")

    login_page = client.get("/login").get_data(as_text=True)
    register_page = client.get("/register").get_data(as_text=True)

    assert csrf_field_of(login_page) == token
    assert csrf_field_of(register_page) == token
    assert token in login_page.split("<body", 1)[1].split(">", 1)[0]


def test_a_form_posted_without_the_token_is_refused(client):
    response = client.post("/register", data={"email": new_email(), "password": PASSWORD})

    assert response.status_code == 403
    assert FORBIDDEN_TEXT in response.get_data(as_text=True)
    assert "Sign out" not in client.get("/").get_data(as_text=True)


def test_a_wrong_token_is_refused(client):
    csrf_token_of(client)  # the session has a token, just not this one

    response = client.post(
        "/register",
        data={"email": new_email(), "password": PASSWORD, "csrf_token": "guessed"},
    )

    assert response.status_code == 403


def test_a_token_from_another_session_is_refused(app):
    attacker, victim = app.test_client(), app.test_client()
    attackers_token = csrf_token_of(attacker)
    csrf_token_of(victim)

    response = victim.post(
        "/register",
        data={"email": new_email(), "password": PASSWORD, "csrf_token": attackers_token},
    )

    assert response.status_code == 403


def test_htmx_requests_send_the_token_as_a_header(client):
    token = csrf_token_of(client)

    response = client.post(
        "/register",
        data={"email": new_email(), "password": PASSWORD},
        headers={**HTMX, "X-CSRF-Token": token},
    )

    assert response.status_code == 200 and response.headers["HX-Redirect"] == "/"


def test_an_htmx_request_without_the_token_gets_the_message_in_place(client):
    response = client.post(
        "/login", data={"email": new_email(), "password": PASSWORD}, headers=HTMX
    )

    assert response.status_code == 403
    page = response.get_data(as_text=True)
    assert "<html" not in page and FORBIDDEN_TEXT in page


def test_cart_changes_and_sign_out_without_the_token_are_refused_and_change_nothing(client):
    register_in_browser(client)

    add = client.post("/cart/add", data={"item_id": "1", "quantity": "2"}, headers=HTMX)
    logout = client.post("/logout")

    assert add.status_code == 403 and logout.status_code == 403
    assert "cart-empty" in client.get("/cart").get_data(as_text=True)


def test_the_api_with_a_bearer_token_needs_no_csrf_token(client, api_headers):
    response = client.patch(
        "/api/v1/cart?op=ADD", json={"itemID": 1, "quantity": 1}, headers=api_headers
    )

    assert response.status_code == 200
    assert response.get_json()["count"] == 1


def test_the_api_never_trusts_the_browser_session_cookie(client, shopper):
    # A signed-in browser session is no credential for the API: a forged cross-site
    # request could carry the cookie, never the bearer token.
    assert client.get("/api/v1/cart").status_code == 401
    response = client.patch("/api/v1/cart?op=ADD", json={"itemID": 1, "quantity": 1})
    assert response.status_code == 401
