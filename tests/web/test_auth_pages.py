"""Register, sign in and sign out in the browser: full pages, htmx fragments, clear messages."""

from __future__ import annotations

from html import unescape
from urllib.parse import parse_qs, urlsplit

import pytest

from tests.web.auth_fast import *  # noqa: F403 - app, client, shopper, ... on fakes
from tests.web.shoppers import (
    HTMX,
    PASSWORD,
    csrf_token_of,
    new_email,
    post_form,
    register_in_browser,
)

pytestmark = pytest.mark.web


def html(response) -> str:
    return unescape(response.get_data(as_text=True))


def test_the_login_page_is_a_whole_page_with_a_form_posted_in_place_by_htmx(client):
    response = client.get("/login")

    page = html(response)
    assert response.status_code == 200
    assert page.lstrip().startswith("<!doctype html>")
    assert 'id="login-form"' in page and 'hx-post="/login"' in page
    assert 'name="csrf_token"' in page
    assert "HX-Request" in response.headers["Vary"]


def test_an_htmx_request_for_the_forms_gets_just_the_form(client):
    for path, form_id in (("/login", "login-form"), ("/register", "register-form")):
        response = client.get(path, headers=HTMX)

        page = html(response)
        assert response.status_code == 200
        assert "<html" not in page
        assert page.lstrip().startswith(f'<form id="{form_id}"')
        assert 'name="csrf_token"' in page


def test_a_new_shopper_registers_and_is_signed_in_straight_away(client):
    email = new_email()

    response = post_form(client, "/register", {"email": email, "password": PASSWORD})

    assert response.status_code == 303 and response.headers["Location"] == "/"
    cookie = response.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie
    home = html(client.get("/"))
    assert email in home and "Sign out" in home and ">Sign in<" not in home


def test_registering_and_signing_in_lead_back_to_where_the_shopper_was(client):
    email = new_email()
    response = post_form(
        client, "/register", {"email": email, "password": PASSWORD, "next": "/items/3"}
    )
    assert response.headers["Location"] == "/items/3"

    post_form(client, "/logout", {})
    response = post_form(
        client, "/login", {"email": email, "password": PASSWORD, "next": "/search?query=tent"}
    )
    assert response.status_code == 303
    assert response.headers["Location"] == "/search?query=tent"


@pytest.mark.parametrize(
    "next_url", ["//evil.example/steal", "https://evil.example/", "/\\evil.example", "javascript:x"]
)
def test_next_never_leads_off_the_site(client, next_url):
    response = post_form(
        client, "/register", {"email": new_email(), "password": PASSWORD, "next": next_url}
    )

    assert response.status_code == 303 and response.headers["Location"] == "/"


def test_an_htmx_sign_in_sends_the_browser_on_with_hx_redirect(client):
    shopper = register_in_browser(client)
    post_form(client, "/logout", {})

    response = post_form(
        client,
        "/login",
        {"email": shopper.email, "password": PASSWORD, "next": "/cart"},
        htmx=True,
    )

    assert response.status_code == 200
    assert response.headers["HX-Redirect"] == "/cart"
    assert client.get("/orders").status_code == 200


def test_the_email_is_case_insensitive_and_a_duplicate_is_refused_with_a_clear_message(client):
    email = new_email()
    register_in_browser(client, email)
    post_form(client, "/logout", {})

    response = post_form(client, "/register", {"email": email.upper(), "password": PASSWORD})

    assert response.status_code == 409
    assert "An account with that email already exists" in html(response)
    assert (
        post_form(client, "/login", {"email": email.upper(), "password": PASSWORD}).status_code
        == 303
    )


@pytest.mark.parametrize(
    ("email", "password", "message"),
    [
        ("", PASSWORD, "Enter your email address."),
        ("not-an-email", PASSWORD, "doesn't look like an email address"),
        ("two@@example.com", PASSWORD, "doesn't look like an email address"),
        ("ann@example", PASSWORD, "doesn't look like an email address"),
        (None, "", "Enter a password."),
        (None, "short1", "at least 8 characters"),
        (None, "password", "too easy to guess"),
        (None, "aaaaaaaaaaaa", "too easy to guess"),
        (None, "x" * 129, "at most 128 characters"),
    ],
)
def test_bad_emails_and_weak_passwords_are_refused_with_a_clear_message(
    client, email, password, message
):
    email = new_email() if email is None else email

    full = post_form(client, "/register", {"email": email, "password": password})
    fragment = post_form(client, "/register", {"email": email, "password": password}, htmx=True)

    # The same status as the API's refusal of the same input (web/refusals.py).
    assert full.status_code == 400 and message in html(full) and "<html" in html(full)
    assert fragment.status_code == 400 and message in html(fragment)
    assert fragment.get_data(as_text=True).lstrip().startswith('<form id="register-form"')
    assert "Sign out" not in html(client.get("/"))


def test_a_wrong_password_says_so_and_does_not_sign_in(client):
    shopper = register_in_browser(client)
    post_form(client, "/logout", {})

    response = post_form(
        client, "/login", {"email": shopper.email, "password": "wrong password!"}, htmx=True
    )

    assert response.status_code == 401
    assert "Wrong email or password." in html(response)
    assert shopper.email in html(response)  # the shopper doesn't retype it
    assert client.get("/orders").status_code == 303


def test_an_unknown_email_gets_the_same_answer_as_a_wrong_password(client):
    response = post_form(client, "/login", {"email": new_email(), "password": PASSWORD})

    assert response.status_code == 401 and "Wrong email or password." in html(response)


def test_an_empty_sign_in_form_asks_for_both_fields(client):
    response = post_form(client, "/login", {"email": "", "password": ""})

    assert response.status_code == 422 and "Enter your email and password." in html(response)


def test_signing_out_ends_the_session(client, shopper):
    assert client.get("/orders").status_code == 200

    response = shopper.post("/logout")

    assert response.status_code == 303 and response.headers["Location"] == "/"
    assert client.get("/orders").status_code == 303
    assert shopper.email not in html(client.get("/"))


def test_signing_out_is_a_post_never_a_link(client, shopper):
    assert client.get("/logout").status_code == 405
    assert client.get("/orders").status_code == 200


def test_a_page_behind_login_sends_visitors_to_sign_in_and_back(client):
    response = client.get("/orders")

    assert response.status_code == 303
    location = urlsplit(response.headers["Location"])
    assert location.path == "/login" and parse_qs(location.query)["next"] == ["/orders"]
    login_page = html(client.get(response.headers["Location"]))
    assert 'name="next" value="/orders"' in login_page


def test_an_htmx_request_behind_login_gets_hx_redirect_to_the_page_it_came_from(client):
    response = client.post(
        "/checkout",
        data={"csrf_token": csrf_token_of(client)},
        headers={**HTMX, "HX-Current-URL": "http://localhost/cart"},
    )

    assert response.status_code == 401
    assert response.headers["HX-Redirect"] == "/login?next=/cart"


def test_account_pages_are_never_cached(client):
    for response in (client.get("/login"), client.get("/register")):
        assert response.headers["Cache-Control"] == "private, no-store"


@pytest.mark.production_password_hashing
def test_passwords_are_stored_only_as_salted_scrypt_hashes_at_production_cost(client, fake_auth):
    one, two = register_in_browser(client), register_in_browser(client.application.test_client())
    hashes = [fake_auth.accounts.by_email(one.email).password_hash]
    hashes.append(fake_auth.accounts.by_email(two.email).password_hash)
    # werkzeug's scrypt cost (N=2**15, r=8, p=1), which only the rest of the fast layer lowers
    assert len(hashes) == 2 and all(h.startswith("scrypt:32768:8:1$") for h in hashes)
    assert hashes[0] != hashes[1]  # same password, different salt
    assert not any(PASSWORD in h for h in hashes)


def test_a_new_password_signs_out_every_old_session(client, shopper, fake_auth):
    from dataclasses import replace

    from web.auth.accounts import hash_password

    # Only the hash changes (the session row stays): the cookie's fingerprint must notice.
    user = fake_auth.accounts.by_email(shopper.email)
    fake_auth.users[user.id] = replace(user, password_hash=hash_password("a brand new password"))

    assert client.get("/orders").status_code == 303


def test_a_staff_only_page_admits_staff_forbids_shoppers_and_sends_visitors_to_sign_in(
    make_fake_shop,
):
    from domain.roles import Permission
    from web.auth.use_cases import create_account
    from web.current_user import permission_required

    shop = make_fake_shop(fresh_app=True)  # a route of its own
    app = shop.app

    @app.get("/staff-only")
    @permission_required(Permission.WAITING_ROOMS)
    def staff_only() -> str:
        return "hello staff"

    staff_email = new_email("staff")
    create_account(shop.accounts, email=staff_email, password=PASSWORD, role="operator")
    visitor, shopper, staff = app.test_client(), app.test_client(), app.test_client()
    register_in_browser(shopper)
    post_form(staff, "/login", {"email": staff_email, "password": PASSWORD})

    assert visitor.get("/staff-only").status_code == 303
    assert shopper.get("/staff-only").status_code == 403
    assert "for store staff only" in html(shopper.get("/staff-only"))
    assert staff.get("/staff-only").get_data(as_text=True) == "hello staff"
