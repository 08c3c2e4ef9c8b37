"""Headers and cookie flags from one place (web/headers.py), HTTPS-aware.

On the fake shop (tests/web/auth_fast.py): the headers are the app's, whatever answers."""

from __future__ import annotations

from dataclasses import replace

import pytest

from tests.web.auth_fast import *  # noqa: F403 - app, client, make_app, ... on fakes
from tests.web.shoppers import register_in_browser

pytestmark = pytest.mark.web


def test_every_answer_switches_off_browser_features_the_store_never_uses(client):
    for path in ("/", "/login", "/api/v1/items?query=tent", "/no-such-page"):
        policy = client.get(path).headers["Permissions-Policy"]
        for feature in ("camera=()", "microphone=()", "geolocation=()", "payment=()"):
            assert feature in policy, (path, policy)


def test_over_plain_http_there_is_no_hsts_and_the_cookie_is_not_secure(app):
    browser = app.test_client()
    register_in_browser(browser)
    response = browser.get("/")
    assert "Strict-Transport-Security" not in response.headers
    assert not browser.get_cookie("session").secure


def test_a_request_that_came_over_https_gets_hsts(client):
    response = client.get("/", base_url="https://localhost")
    assert response.headers["Strict-Transport-Security"].startswith("max-age=63072000")


def test_served_over_https_the_session_cookie_is_secure_and_hsts_is_always_sent(
    make_app, web_settings
):
    app = make_app(replace(web_settings, session_cookie_secure=True))
    browser = app.test_client()
    page = browser.get("/", base_url="https://localhost")
    assert "Strict-Transport-Security" in page.headers
    assert "Strict-Transport-Security" in browser.get("/login").headers
    assert app.config["SESSION_COOKIE_SECURE"] is True
    set_cookie = page.headers.get("Set-Cookie", "")
    assert "Secure" in set_cookie and "HttpOnly" in set_cookie, set_cookie
