"""Sessions a shopper can end: signing out, signing out everywhere, changing the password."""

from __future__ import annotations

import pytest
from flask import Flask
from flask.sessions import SecureCookieSessionInterface

from settings import DEV_SECRET_KEY
from tests.web.auth_fast import *  # noqa: F403 - app, client, shopper, ... on fakes
from tests.web.shoppers import PASSWORD, bearer, new_email, post_form, register_in_browser

pytestmark = pytest.mark.web

NEW_PASSWORD = "another horse staple"


def signed_in(client) -> bool:
    return client.get("/orders").status_code == 200


def token_for(client, email: str, password: str = PASSWORD) -> dict[str, str]:
    issued = client.post("/api/v1/auth/token", json={"email": email, "password": password})
    assert issued.status_code == 200, issued.get_json()
    return bearer(issued.get_json()["token"])


def token_works(client, headers) -> bool:
    return client.get("/api/v1/orders", headers=headers).status_code == 200


def test_replaying_the_cookie_of_a_signed_out_session_is_signed_out(app):
    browser = app.test_client()
    register_in_browser(browser)
    stolen = browser.get_cookie("session").value
    assert signed_in(browser)

    assert post_form(browser, "/logout", {}).status_code == 303
    attacker = app.test_client()
    attacker.set_cookie("session", stolen)

    assert not signed_in(attacker)


def test_signing_out_one_browser_leaves_the_others_signed_in(app):
    laptop, phone = app.test_client(), app.test_client()
    shopper = register_in_browser(laptop)
    post_form(phone, "/login", {"email": shopper.email, "password": PASSWORD})

    post_form(laptop, "/logout", {})

    assert not signed_in(laptop) and signed_in(phone)


def test_sign_out_everywhere_ends_every_browser_session_and_api_token(app):
    laptop, phone, script = app.test_client(), app.test_client(), app.test_client()
    shopper = register_in_browser(laptop)
    post_form(phone, "/login", {"email": shopper.email, "password": PASSWORD})
    token = token_for(script, shopper.email)
    page = laptop.get("/account/security").get_data(as_text=True)
    assert 'id="sign-out-everywhere"' in page

    ended = post_form(laptop, "/account/sign-out-everywhere", {})

    assert ended.status_code == 303 and ended.headers["Location"].startswith("/login")
    assert not signed_in(laptop) and not signed_in(phone)
    assert not token_works(script, token)
    assert signed_in(phone) is False and token_works(script, token_for(script, shopper.email))


def test_signing_out_everywhere_from_the_api_revokes_the_token_itself(client):
    email = new_email("api")
    client.post("/api/v1/auth/register", json={"email": email, "password": PASSWORD})
    headers = token_for(client, email)

    assert client.post("/api/v1/auth/sign-out-everywhere", headers=headers).status_code == 204
    refused = client.get("/api/v1/orders", headers=headers)
    assert refused.status_code == 401 and "revoked" in refused.get_json()["error"]["message"]


def test_a_password_change_invalidates_an_old_api_token_and_other_browsers(app):
    laptop, phone, script = app.test_client(), app.test_client(), app.test_client()
    shopper = register_in_browser(laptop)
    post_form(phone, "/login", {"email": shopper.email, "password": PASSWORD})
    old_token = token_for(script, shopper.email)

    changed = post_form(
        laptop,
        "/account/password",
        {"current_password": PASSWORD, "new_password": NEW_PASSWORD},
    )

    assert changed.status_code == 303
    assert signed_in(laptop), "the browser that changed it stays signed in"
    assert not signed_in(phone) and not token_works(script, old_token)
    assert token_works(script, token_for(script, shopper.email, NEW_PASSWORD))


def test_a_password_change_over_the_api_needs_the_current_password(client):
    email = new_email("api")
    client.post("/api/v1/auth/register", json={"email": email, "password": PASSWORD})
    headers = token_for(client, email)

    wrong = client.post(
        "/api/v1/auth/password",
        json={"currentPassword": "not it at all", "newPassword": NEW_PASSWORD},
        headers=headers,
    )
    assert wrong.status_code == 403 and token_works(client, headers)
    weak = client.post(
        "/api/v1/auth/password",
        json={"currentPassword": PASSWORD, "newPassword": "short"},
        headers=headers,
    )
    assert weak.status_code == 400 and token_works(client, headers)

    done = client.post(
        "/api/v1/auth/password",
        json={"currentPassword": PASSWORD, "newPassword": NEW_PASSWORD},
        headers=headers,
    )
    assert done.status_code == 204 and not token_works(client, headers)


def test_a_wrong_current_password_on_the_page_says_so_and_changes_nothing(app):
    laptop = app.test_client()
    shopper = register_in_browser(laptop)

    refused = post_form(
        laptop,
        "/account/password",
        {"current_password": "not it at all", "new_password": NEW_PASSWORD},
        htmx=True,
    )

    # The API's status for the same refusal (web/refusals.py): 403 wrong_password.
    assert refused.status_code == 403 and "current password" in refused.get_data(as_text=True)
    assert signed_in(laptop)
    assert token_for(laptop, shopper.email)  # the old password still works


def test_a_session_cookie_forged_with_the_published_default_key_is_not_accepted(app):
    browser = app.test_client()
    register_in_browser(browser)
    real = (
        SecureCookieSessionInterface()
        .get_signing_serializer(app)
        .loads(browser.get_cookie("session").value)
    )
    forger = Flask("forger")
    forger.secret_key = DEV_SECRET_KEY
    forged = SecureCookieSessionInterface().get_signing_serializer(forger).dumps(real)

    attacker = app.test_client()
    attacker.set_cookie("session", forged)

    assert not signed_in(attacker)
