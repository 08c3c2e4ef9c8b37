"""Register, sign in, issue an API token, change the password, sign out everywhere:
each written once, for the browser pages and the JSON API alike, over the ports of
web/auth/ports.py. They return outcomes; pages.py and api.py translate them.

Sign-in is throttled before the password is checked and only failures are counted
(web/limits.py): the throttle's verdict is asked first, so a refused address never
learns whether its guess was right. The input rules (email form, password policy,
hashing) are web/auth/accounts.py's.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from werkzeug.security import check_password_hash

from db.postgres.users import SHOPPER, EmailTaken, UserRecord
from web.auth.accounts import (
    MAX_PASSWORD_LENGTH,
    AccountError,
    DuplicateEmail,
    WrongPassword,
    check_email,
    check_password,
    dummy_hash,
    hash_password,
    normalise_email,
)
from web.auth.ports import Accounts, LoginThrottle, TokenIssuer
from web.limits import LimiterUnavailable, Verdict
from web.refusals import Refused


@dataclass(frozen=True)
class SignedIn:
    """The account is who it says (registered, signed in, or its password changed)."""

    user: UserRecord


@dataclass(frozen=True)
class WrongCredentials:
    """Wrong email or password: the same answer for an unknown email."""


@dataclass(frozen=True)
class Throttled:
    verdict: Verdict


@dataclass(frozen=True)
class ThrottleUnavailable:
    """The sign-in throttle could not be asked: sign-in fails closed."""


@dataclass(frozen=True)
class AccountGone:
    """The signed-in account no longer exists."""


@dataclass(frozen=True)
class TokenIssued:
    token: str
    expires_in: int


SignInOutcome = SignedIn | WrongCredentials | Throttled | ThrottleUnavailable


def register(
    accounts: Accounts,
    throttle: LoginThrottle,
    *,
    email: str,
    password: str,
    client_ip: str,
    role: str = SHOPPER,
) -> SignedIn | Refused | Throttled:
    verdict = throttle.registration(client_ip)
    if not verdict.allowed:
        return Throttled(verdict)
    try:
        return SignedIn(create_account(accounts, email=email, password=password, role=role))
    except AccountError as exc:
        return refused(exc)


def create_account(
    accounts: Accounts,
    *,
    email: str,
    password: str,
    role: str,
    warehouses: frozenset[int] = frozenset(),
) -> UserRecord:
    """An account (committed), or InvalidEmail / WeakPassword / DuplicateEmail
    (domain.roles.RoleError for a role and warehouses that do not go together)."""
    email = check_email(email)
    check_password(password, email=email)
    try:
        return accounts.create(
            email=email, password_hash=hash_password(password), role=role, warehouses=warehouses
        )
    except EmailTaken:
        raise DuplicateEmail() from None


def sign_in(
    accounts: Accounts, throttle: LoginThrottle, *, email: str, password: str, client_ip: str
) -> SignInOutcome:
    email = normalise_email(email)
    gate = _ask_throttle(throttle, client_ip, email)
    if gate is not None:
        return gate
    user = _authenticate(accounts, email, password)
    if user is None:
        throttle.login_failed(client_ip, email)
        return WrongCredentials()
    return SignedIn(user)


def issue_token(
    accounts: Accounts,
    throttle: LoginThrottle,
    tokens: TokenIssuer,
    fingerprint: Callable[[UserRecord], str],
    *,
    email: str,
    password: str,
    client_ip: str,
) -> TokenIssued | WrongCredentials | Throttled | ThrottleUnavailable:
    outcome = sign_in(accounts, throttle, email=email, password=password, client_ip=client_ip)
    if not isinstance(outcome, SignedIn):
        return outcome
    token = tokens.issue(outcome.user.id, fingerprint(outcome.user))
    return TokenIssued(token, tokens.ttl_seconds)


def change_password(
    accounts: Accounts,
    throttle: LoginThrottle,
    user_id: int,
    *,
    current: str,
    new: str,
    client_ip: str,
) -> SignedIn | Refused | Throttled | ThrottleUnavailable | AccountGone:
    """The current password is a sign-in attempt: throttled and counted the same way.
    A new password ends every session and token of the account; SignedIn carries the
    account as it is now, to start a fresh session for whoever changed it."""
    user = accounts.by_id(user_id)
    if user is None:
        return AccountGone()
    gate = _ask_throttle(throttle, client_ip, user.email)
    if gate is not None:
        return gate
    if not check_password_hash(user.password_hash, current or ""):
        throttle.login_failed(client_ip, user.email)
        return refused(WrongPassword("Your current password is not right."))
    try:
        check_password(new, email=user.email)
    except AccountError as exc:
        return refused(exc)
    accounts.set_password_hash(user.id, hash_password(new))
    changed = accounts.by_id(user.id)
    return AccountGone() if changed is None else SignedIn(changed)


def refused(error: AccountError) -> Refused:
    """The account rule's refusal; `details["field"]` is the form input it is about."""
    return Refused(error.kind, error.message, details={"field": error.field})


def sign_out_everywhere(accounts: Accounts, user_id: int) -> None:
    accounts.end_every_session(user_id)


def _ask_throttle(
    throttle: LoginThrottle, client_ip: str, email: str
) -> Throttled | ThrottleUnavailable | None:
    try:
        verdict = throttle.login(client_ip, email)
    except LimiterUnavailable:
        return ThrottleUnavailable()
    return None if verdict.allowed else Throttled(verdict)


def _authenticate(accounts: Accounts, email: str, password: str) -> UserRecord | None:
    if not email or not password or len(password) > MAX_PASSWORD_LENGTH:
        return None
    user = accounts.by_email(email)
    if user is None:
        # Spend the same time as a real check, so response times don't reveal who has an account.
        check_password_hash(dummy_hash(), password)
        return None
    return user if check_password_hash(user.password_hash, password) else None
