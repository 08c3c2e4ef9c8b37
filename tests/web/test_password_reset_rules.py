"""The password-reset use cases on in-memory ports (web/auth/password_reset/use_cases.py)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

import pytest

from domain.refusals import RefusalKind
from web.auth.password_reset.use_cases import (
    BAD_LINK,
    PasswordReset,
    confirm_reset,
    request_reset,
    token_hash,
)
from web.refusals import Refused

pytestmark = pytest.mark.unit

NOW = datetime(2026, 12, 7, 9, 0, tzinfo=UTC)
TTL = timedelta(minutes=30)


@dataclass
class Links:
    accounts: dict[str, int] = field(default_factory=lambda: {"ann@example.com": 7})
    rows: dict[str, dict] = field(default_factory=dict)
    passwords: dict[int, str] = field(default_factory=dict)

    def account_id(self, email):
        return self.accounts.get(email)

    def create_link(self, user_id, digest, expires_at):
        self.rows[digest] = {"user": user_id, "expires": expires_at, "used": False}
        return len(self.rows)

    def email_of_valid_link(self, digest, now):
        row = self.rows.get(digest)
        if row is None or row["used"] or row["expires"] <= now:
            return None
        return next(e for e, u in self.accounts.items() if u == row["user"])

    def use_link(self, digest, now, password_hash):
        if self.email_of_valid_link(digest, now) is None:
            return None
        self.rows[digest]["used"] = True
        self.passwords[self.rows[digest]["user"]] = password_hash
        return self.rows[digest]["user"]


@dataclass
class Outbox:
    sent: list[tuple[str, str]] = field(default_factory=list)

    def send_reset(self, link_key, link):
        self.sent.append((link_key, link))


def policy(password, email):
    return "too short" if len(password) < 8 else None


def ask(store, outbox, email="ann@example.com"):
    request_reset(email, store=store, mailer=outbox, now=NOW, ttl=TTL, link_for=lambda t: f"/r/{t}")
    return outbox.sent[-1][1].removeprefix("/r/") if outbox.sent else None


def confirm(store, token, password="long enough!", now=NOW):
    return confirm_reset(
        token, password, store=store, policy=policy, hasher=lambda p: f"h({p})", now=now
    )


def test_a_link_is_mailed_for_a_known_account_and_only_its_hash_is_kept():
    store, outbox = Links(), Outbox()
    token = ask(store, outbox)
    assert len(token) >= 43
    assert list(store.rows) == [token_hash(token)] and token not in store.rows


def test_the_email_is_keyed_by_the_links_hash_not_its_row_id():
    # Row ids repeat across databases sharing a Temporal namespace (and after a restore);
    # the email workflow's id must not.
    store, outbox = Links(), Outbox()
    token = ask(store, outbox)
    assert outbox.sent[-1][0] == token_hash(token)


def test_an_unknown_email_mails_nothing():
    store, outbox = Links(), Outbox()
    assert ask(store, outbox, "bob@example.com") is None and store.rows == {}


def test_a_link_works_once():
    store, outbox = Links(), Outbox()
    token = ask(store, outbox)
    assert confirm(store, token) == PasswordReset(7)
    assert store.passwords == {7: "h(long enough!)"}
    assert confirm(store, token) == BAD_LINK


def test_a_weak_password_is_refused_and_does_not_spend_the_link():
    store, outbox = Links(), Outbox()
    token = ask(store, outbox)
    assert confirm(store, token, "short") == Refused(RefusalKind.WEAK_PASSWORD, "too short")
    assert confirm(store, token) == PasswordReset(7)


def test_a_link_expires_after_its_time():
    store, outbox = Links(), Outbox()
    token = ask(store, outbox)
    assert confirm(store, token, now=NOW + TTL) == BAD_LINK
    assert confirm(store, token, now=NOW + TTL - timedelta(seconds=1)) == PasswordReset(7)


@pytest.mark.parametrize("token", ["", "x" * 101, "nöpe", "not-a-real-token"])
def test_a_token_that_is_not_one_of_ours_is_a_bad_link(token):
    assert confirm(Links(), token) == BAD_LINK
