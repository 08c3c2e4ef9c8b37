"""Registering and signing in, shared by the browser, the JSON API and `shopflow users create`.

Passwords are hashed with werkzeug's scrypt (a standard memory-hard KDF, salted,
parameters stored in the hash). Emails are NFKC-normalised, trimmed and case-folded
so that "Ann@Example.com", "ann@example.com" and the full-width "Ａｎｎ@example.com"
are one account.
"""

from __future__ import annotations

import re
import unicodedata
from functools import cache

from sqlalchemy.orm import Session, sessionmaker
from werkzeug.security import check_password_hash, generate_password_hash
from zxcvbn import zxcvbn

from db.postgres.users import (
    SHOPPER,
    EmailTaken,
    UserRecord,
    create_user,
    end_every_session,
    find_user_by_email,
    set_password_hash,
)

MIN_PASSWORD_LENGTH = 8
# A cap keeps a megabyte "password" from becoming a CPU bill; no person types 128 characters.
MAX_PASSWORD_LENGTH = 128
MAX_EMAIL_LENGTH = 254
_EMAIL = re.compile(r"[^@\s]+@[^@\s.]+(\.[^@\s.]+)+")
# zxcvbn's score (0-4) a new password needs: 3 is "safely unguessable" against an online
# attack; it knows the common-password lists, keyboard walks, l33t and dates, so
# "P@ssw0rd", "Password1!", "qwertyuiop" and "12341234" all score 0 or 1.
MIN_PASSWORD_SCORE = 3
# zxcvbn's cost grows faster than the length; its authors suggest scoring a prefix.
_SCORED_PREFIX = 72


class AccountError(ValueError):
    """A registration the store refuses; `field` says which input to point at."""

    code = "invalid_account"
    field = "email"

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class InvalidEmail(AccountError):
    code = "invalid_email"


class WeakPassword(AccountError):
    code = "weak_password"
    field = "password"


class WrongPassword(AccountError):
    code = "wrong_password"
    field = "current_password"


class DuplicateEmail(AccountError):
    code = "email_taken"

    def __init__(self) -> None:
        super().__init__("An account with that email already exists. Sign in instead?")


def normalise_email(raw: str) -> str:
    # NFKC first: full-width and other compatibility forms become their plain letters,
    # then casefold (lower() misses a few, e.g. "ß").
    return unicodedata.normalize("NFKC", raw).strip().casefold()


def check_email(raw: str) -> str:
    email = normalise_email(raw)
    if not email:
        raise InvalidEmail("Enter your email address.")
    if any(ord(char) < 32 or 127 <= ord(char) < 160 for char in email):
        raise InvalidEmail("The email address contains characters we can't accept.")
    if len(email) > MAX_EMAIL_LENGTH or not _EMAIL.fullmatch(email):
        raise InvalidEmail("That doesn't look like an email address (like ann@example.com).")
    return email


def check_password(password: str, *, email: str = "") -> str:
    if not password:
        raise WeakPassword("Enter a password.")
    if len(password) < MIN_PASSWORD_LENGTH:
        raise WeakPassword(f"Use at least {MIN_PASSWORD_LENGTH} characters for your password.")
    if len(password) > MAX_PASSWORD_LENGTH:
        raise WeakPassword(f"Use at most {MAX_PASSWORD_LENGTH} characters for your password.")
    if (
        _built_on_email(password, email)
        or len(set(password)) < 4
        or _score(password, email) < MIN_PASSWORD_SCORE
    ):
        raise WeakPassword("That password is too easy to guess. Try a few unrelated words.")
    return password


def _built_on_email(password: str, email: str) -> bool:
    name = email.split("@")[0].split("+")[0]
    return password.casefold() == email or (len(name) >= 4 and name in password.casefold())


def _score(password: str, email: str) -> int:
    # The email and the store's name are guessable too.
    hints = [email, *re.split(r"[@.+_-]", email), "shopflow"]
    return zxcvbn(password[:_SCORED_PREFIX], user_inputs=[h for h in hints if h])["score"]


def hash_password(password: str) -> str:
    return generate_password_hash(password, method="scrypt")


def register(
    sessions: sessionmaker[Session],
    *,
    email: str,
    password: str,
    role: str = SHOPPER,
    warehouses: frozenset[int] = frozenset(),
) -> UserRecord:
    """Create an account (committed) or raise InvalidEmail / WeakPassword / DuplicateEmail
    (or domain.roles.RoleError for a role and warehouses that do not go together)."""
    email = check_email(email)
    check_password(password, email=email)
    with sessions.begin() as session:
        try:
            return create_user(
                session,
                email=email,
                password_hash=hash_password(password),
                role=role,
                warehouses=warehouses,
            )
        except EmailTaken:
            raise DuplicateEmail() from None


def authenticate(
    sessions: sessionmaker[Session], *, email: str, password: str
) -> UserRecord | None:
    """The account if the password matches, else None (the same for an unknown email)."""
    email = normalise_email(email)
    if not email or not password or len(password) > MAX_PASSWORD_LENGTH:
        return None
    with sessions() as session:
        user = find_user_by_email(session, email)
    if user is None:
        # Spend the same time as a real check, so response times don't reveal who has an account.
        check_password_hash(_dummy_hash(), password)
        return None
    return user if check_password_hash(user.password_hash, password) else None


@cache
def _dummy_hash() -> str:
    return hash_password("not-anyone's-password")


def change_password(
    sessions: sessionmaker[Session], user: UserRecord, *, current: str, new: str
) -> None:
    """Set a new password (WrongPassword / WeakPassword); every session and token ends."""
    if not check_password_hash(user.password_hash, current or ""):
        raise WrongPassword("Your current password is not right.")
    check_password(new, email=user.email)
    with sessions.begin() as session:
        set_password_hash(session, user.id, hash_password(new))


def sign_out_everywhere(sessions: sessionmaker[Session], user_id: int) -> None:
    with sessions.begin() as session:
        end_every_session(session, user_id)
