"""The account rules: emails, the password policy and hashing (web/auth/use_cases.py applies them).

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
from werkzeug.security import generate_password_hash
from zxcvbn import zxcvbn

from db.postgres.users import SHOPPER, UserRecord
from domain.refusals import RefusalKind

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
    """A registration the store refuses; `field` says which input to point at, `kind`
    its status (web/refusals.py), `code` the CLI's and the API's word for it."""

    code = "invalid_account"
    kind = RefusalKind.INVALID_ACCOUNT
    field = "email"

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class InvalidEmail(AccountError):
    code = "invalid_email"
    kind = RefusalKind.INVALID_EMAIL


class WeakPassword(AccountError):
    code = "weak_password"
    kind = RefusalKind.WEAK_PASSWORD
    field = "password"


class WrongPassword(AccountError):
    code = "wrong_password"
    kind = RefusalKind.WRONG_PASSWORD
    field = "current_password"


class DuplicateEmail(AccountError):
    code = "email_taken"
    kind = RefusalKind.EMAIL_TAKEN

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


# scrypt at werkzeug's cost (N=2**15, r=8, p=1): about 0.1 s of CPU per hash, on purpose.
# A stored hash names its own parameters, so checking one never reads this.
PASSWORD_HASH_METHOD = "scrypt:32768:8:1"


def hash_password(password: str) -> str:
    return generate_password_hash(password, method=PASSWORD_HASH_METHOD)


def register(
    sessions: sessionmaker[Session],
    *,
    email: str,
    password: str,
    role: str = SHOPPER,
    warehouses: frozenset[int] = frozenset(),
) -> UserRecord:
    """Create an account (committed) or raise InvalidEmail / WeakPassword / DuplicateEmail:
    for `shopflow users create` and set-ups, which no throttle guards
    (domain.roles.RoleError for a role and warehouses that do not go together)."""
    from web.auth.adapters import SqlAccounts  # they import this module's rules
    from web.auth.use_cases import create_account

    return create_account(
        SqlAccounts(sessions), email=email, password=password, role=role, warehouses=warehouses
    )


def dummy_hash() -> str:
    """A hash to check a password against when the email has no account: as costly to
    check as a real one, so an unknown email takes as long to refuse."""
    return _dummy_hash(PASSWORD_HASH_METHOD)


@cache
def _dummy_hash(method: str) -> str:
    return generate_password_hash("not-anyone's-password", method=method)
