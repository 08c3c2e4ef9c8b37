"""The password-reset use cases, on narrow ports (no Flask, no SQL here).

request_reset: a link for the account of that email, if there is one, mailed; the
    caller answers the same either way, so the answer reveals no account.
confirm_reset: the link's token and a new password → PasswordReset, or BadLink (used,
    expired, unknown) or WeakNewPassword (the policy's words). A weak password does
    not spend the link.

The token is 256 random bits, in the link only; the store keeps its SHA-256.
"""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Protocol

from domain.refusals import RefusalKind
from web.refusals import Refused

MAX_TOKEN_LENGTH = 100  # ours are 43 characters


class ResetStore(Protocol):
    def account_id(self, email: str) -> int | None: ...
    def create_link(self, user_id: int, token_hash: str, expires_at: datetime) -> int: ...
    def email_of_valid_link(self, token_hash: str, now: datetime) -> str | None: ...
    def use_link(self, token_hash: str, now: datetime, password_hash: str) -> int | None: ...


class ResetMailer(Protocol):
    def send_reset(self, link_key: str, link: str) -> None: ...


# The password policy: the problem with a new password, in words, or None when it is fine.
PasswordPolicy = Callable[[str, str], str | None]  # (password, email)
PasswordHasher = Callable[[str], str]


@dataclass(frozen=True)
class PasswordReset:
    user_id: int  # whose sessions and tokens just ended


BAD_LINK = Refused(
    RefusalKind.INVALID_RESET_LINK,
    "This reset link was already used or has expired. Ask for a new one.",
)

# Refused: BAD_LINK, or WEAK_PASSWORD with the policy's sentence.
ConfirmOutcome = PasswordReset | Refused


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def request_reset(
    email: str,
    *,
    store: ResetStore,
    mailer: ResetMailer,
    now: datetime,
    ttl: timedelta,
    link_for: Callable[[str], str],
) -> None:
    user_id = store.account_id(email)
    if user_id is None:
        return
    token = secrets.token_urlsafe(32)
    digest = token_hash(token)
    store.create_link(user_id, digest, now + ttl)
    # The email's key is the link's hash, not its row id: a row id is unique in one
    # database only, and the email workflow's id must be unique in the Temporal namespace
    # (a second database beside it, or one restored from a backup, reuses row ids).
    mailer.send_reset(digest, link_for(token))


def link_is_valid(token: str, *, store: ResetStore, now: datetime) -> bool:
    return _plausible(token) and store.email_of_valid_link(token_hash(token), now) is not None


def confirm_reset(
    token: str,
    password: str,
    *,
    store: ResetStore,
    policy: PasswordPolicy,
    hasher: PasswordHasher,
    now: datetime,
) -> ConfirmOutcome:
    if not _plausible(token):
        return BAD_LINK
    digest = token_hash(token)
    email = store.email_of_valid_link(digest, now)
    if email is None:
        return BAD_LINK
    problem = policy(password, email)
    if problem is not None:
        return Refused(RefusalKind.WEAK_PASSWORD, problem)
    user_id = store.use_link(digest, now, hasher(password))
    if user_id is None:
        return BAD_LINK  # the other click of a double submit won
    return PasswordReset(user_id)


def _plausible(token: str) -> bool:
    return 0 < len(token) <= MAX_TOKEN_LENGTH and token.isascii()
