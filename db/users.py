"""Accounts in PostgreSQL: create one, find one. Hashing and rules live in web/auth.

Emails are stored normalised (trimmed, lower-case) by the caller, so the UNIQUE
constraint on `users.email` is also the duplicate check, race-free.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from db.models import User

SHOPPER = "shopper"
STAFF = "staff"
ROLES = (SHOPPER, STAFF)

MAX_USER_ID = 2**63 - 1  # users.id is a BIGINT
UNIQUE_VIOLATION = "23505"  # PostgreSQL's SQLSTATE for a duplicate key


class EmailTaken(Exception):
    """Another account already uses this email."""


@dataclass(frozen=True)
class UserRecord:
    id: int
    email: str
    password_hash: str
    role: str


def _record(user: User) -> UserRecord:
    return UserRecord(user.id, user.email, user.password_hash, user.role)


def create_user(
    session: Session, *, email: str, password_hash: str, role: str = SHOPPER
) -> UserRecord:
    """Insert and flush (the caller commits); EmailTaken if the email is in use."""
    if role not in ROLES:
        raise ValueError(f"role must be one of {', '.join(ROLES)}, got {role!r}")
    user = User(email=email, password_hash=password_hash, role=role)
    try:
        with session.begin_nested():  # a duplicate must not poison the caller's transaction
            session.add(user)
            session.flush()
    except IntegrityError as exc:
        if getattr(exc.orig, "sqlstate", None) == UNIQUE_VIOLATION:
            raise EmailTaken(email) from exc
        raise
    return _record(user)


def find_user_by_email(session: Session, email: str) -> UserRecord | None:
    user = session.scalars(select(User).where(User.email == email)).one_or_none()
    return None if user is None else _record(user)


def find_user_by_id(session: Session, user_id: int) -> UserRecord | None:
    if not 1 <= user_id <= MAX_USER_ID:
        return None
    user = session.get(User, user_id)
    return None if user is None else _record(user)
