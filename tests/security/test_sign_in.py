"""Browser sessions expire (idle and absolute) on PostgreSQL's clock, and an expired
session's row is gone. Throttling, the password policy and rotation at sign-in:
tests/security/test_sign_in_limits.py, on fakes."""

from __future__ import annotations

from dataclasses import replace

import pytest
from sqlalchemy import text

from tests.web.shoppers import register_in_browser

pytestmark = [pytest.mark.web, pytest.mark.integration]


@pytest.fixture
def app(make_security_app):
    return make_security_app()


@pytest.fixture
def strict(make_security_app, security_settings):
    settings = replace(
        security_settings,
        login_limit_per_ip="8 per minute",
        login_limit_per_account_address="3 per minute",
        login_limit_per_account="5 per hour",
    )
    return make_security_app(settings).test_client()


@pytest.fixture
def db(security_engine):
    return security_engine


def _age_sessions(db, email: str, column: str, seconds: int) -> None:
    with db.begin() as conn:
        conn.execute(
            text(
                f"UPDATE user_sessions SET {column} = now() - make_interval(secs => :s)"
                " WHERE user_id = (SELECT id FROM users WHERE email = :e)"
            ),
            {"s": seconds, "e": email},
        )


def signed_in(client) -> bool:
    return client.get("/orders").status_code == 200


def test_a_session_idle_longer_than_the_idle_expiry_is_signed_out(app, db, security_settings):
    client = app.test_client()
    shopper = register_in_browser(client)
    _age_sessions(db, shopper.email, "last_seen_at", security_settings.session_idle_seconds - 120)
    assert signed_in(client)  # in use: seen again, so the idle clock restarts
    _age_sessions(db, shopper.email, "last_seen_at", security_settings.session_idle_seconds + 60)

    assert not signed_in(client)


def test_a_session_in_use_still_ends_at_the_absolute_expiry(app, db, security_settings):
    client = app.test_client()
    shopper = register_in_browser(client)
    _age_sessions(db, shopper.email, "created_at", security_settings.session_absolute_seconds - 60)
    assert signed_in(client)
    _age_sessions(db, shopper.email, "created_at", security_settings.session_absolute_seconds + 60)

    assert not signed_in(client)
    with db.connect() as conn:  # and the row is gone
        left = conn.execute(
            text(
                "SELECT count(*) FROM user_sessions WHERE user_id ="
                " (SELECT id FROM users WHERE email = :e)"
            ),
            {"e": shopper.email},
        ).scalar_one()
    assert left == 0
