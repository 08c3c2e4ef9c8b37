"""Sign-in on fakes (tests/fakes/shop.py: accounts and browser sessions in memory, the
limits on Flask-Limiter's memory storage): failures are throttled per address and per
(account, address), nobody can lock the owner out, weak passwords are refused, the
current password on a change is a sign-in attempt, and signing in starts a new session.
Session expiry on PostgreSQL's clock: tests/security/test_sign_in.py."""

from __future__ import annotations

from dataclasses import replace

import pytest

from stack.ports import free_port
from tests.web.shoppers import PASSWORD, new_email, post_form, register_in_browser

pytestmark = pytest.mark.web

WEAK = ["Password1!", "P@ssw0rd", "qwertyuiop", "12341234", "shopflow2026", "letmein123"]


def unique_ip() -> str:
    port = free_port()
    return f"10.{port // 65536 % 256}.{port // 256 % 256}.{port % 256}"


def token_attempt(client, email: str, password: str, ip: str):
    return client.post(
        "/api/v1/auth/token",
        json={"email": email, "password": password},
        environ_base={"REMOTE_ADDR": ip},
    )


def _registered(client) -> str:
    email = new_email()
    answer = client.post("/api/v1/auth/register", json={"email": email, "password": PASSWORD})
    assert answer.status_code == 201, answer.get_json()
    return email


@pytest.fixture
def security_settings():
    from tests.web.fakes import fake_settings

    return fake_settings()


@pytest.fixture
def make_security_app(security_settings):
    """The fake shop on these settings (only the changed limits matter)."""
    from dataclasses import asdict

    from tests.fakes.shop import build_fake_shop

    def build(settings=None):
        base = asdict(security_settings)
        changes = {}
        if settings is not None:
            changes = {k: v for k, v in asdict(settings).items() if base.get(k) != v}
            changes.pop("typesense_api_key", None)
            changes.pop("secret_key", None)
            changes.pop("payload_encryption_keys", None)
            changes.pop("vault_keys", None)
        return build_fake_shop(**changes).app

    return build


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


def signed_in(client) -> bool:
    return client.get("/orders").status_code == 200


def test_fifty_wrong_passwords_from_elsewhere_never_lock_the_owner_out(strict):
    email = _registered(strict)
    attackers = [unique_ip() for _ in range(10)]
    answers = [
        token_attempt(strict, email, "guess guess", ip) for ip in attackers for _ in range(5)
    ]
    assert 429 in [a.status_code for a in answers]

    owner = token_attempt(strict, email, PASSWORD, unique_ip())

    assert owner.status_code == 200, owner.get_json()


def test_guesses_from_one_address_on_one_account_hit_a_wall_even_with_the_right_password(strict):
    email, ip = _registered(strict), unique_ip()

    guesses = [token_attempt(strict, email, "guess guess", ip).status_code for _ in range(4)]

    assert guesses == [401, 401, 401, 429]
    blocked = token_attempt(strict, email, PASSWORD, ip)
    assert blocked.status_code == 429 and int(blocked.headers["Retry-After"]) > 0


def test_an_account_guessed_from_many_addresses_refuses_the_addresses_that_failed(strict):
    email = _registered(strict)
    failed = [unique_ip() for _ in range(5)]
    for ip in failed:
        assert token_attempt(strict, email, "guess guess", ip).status_code == 401

    assert token_attempt(strict, email, "guess guess", failed[0]).status_code == 429
    assert token_attempt(strict, email, PASSWORD, unique_ip()).status_code == 200


def test_spraying_one_address_over_many_accounts_hits_the_address_limit(strict):
    ip = unique_ip()
    answers = [token_attempt(strict, new_email(), "Summer2026!", ip) for _ in range(10)]
    assert [a.status_code for a in answers] == [401] * 8 + [429] * 2


def test_successful_sign_ins_are_not_counted(strict):
    email, ip = _registered(strict), unique_ip()
    assert all(token_attempt(strict, email, PASSWORD, ip).status_code == 200 for _ in range(12))


@pytest.mark.parametrize("weak", WEAK)
def test_common_and_guessable_passwords_are_refused(app, weak):
    client = app.test_client()
    answer = client.post("/api/v1/auth/register", json={"email": new_email(), "password": weak})
    assert answer.status_code == 400 and answer.get_json()["error"]["code"] == "weak_password"


def test_a_password_made_of_the_email_is_refused(app):
    email = new_email("marguerite.yourcenar+")
    answer = app.test_client().post(
        "/api/v1/auth/register", json={"email": email, "password": "Marguerite.Yourcenar"}
    )
    assert answer.status_code == 400


def test_guessing_the_current_password_on_a_change_is_throttled_like_sign_in(strict):
    email = _registered(strict)
    ip = unique_ip()
    token = token_attempt(strict, email, PASSWORD, ip).get_json()["token"]
    headers = {"Authorization": f"Bearer {token}"}

    def change(current: str):
        return strict.post(
            "/api/v1/auth/password",
            json={"currentPassword": current, "newPassword": "another horse staple"},
            headers=headers,
            environ_base={"REMOTE_ADDR": ip},
        )

    assert [change("guess guess").status_code for _ in range(4)] == [403, 403, 403, 429]
    assert change(PASSWORD).status_code == 429
    # The same counters as sign-in: this address is now refused there too.
    assert token_attempt(strict, email, PASSWORD, ip).status_code == 429


def test_the_page_that_changes_the_password_is_throttled_too(make_security_app, security_settings):
    client = make_security_app(
        replace(security_settings, login_limit_per_account_address="2 per minute")
    ).test_client()
    register_in_browser(client)
    form = {"current_password": "guess guess", "new_password": "another horse staple"}

    answers = [post_form(client, "/account/password", form).status_code for _ in range(3)]

    assert answers == [403, 403, 429]  # wrong_password, as the API answers it


def test_signing_in_starts_a_new_session_and_the_old_cookie_is_dead(app):
    client = app.test_client()
    shopper = register_in_browser(client)
    before = client.get_cookie("session").value

    post_form(client, "/login", {"email": shopper.email, "password": PASSWORD})
    after = client.get_cookie("session").value

    assert after != before and signed_in(client)
    replay = app.test_client()
    replay.set_cookie("session", before)
    assert not signed_in(replay)
