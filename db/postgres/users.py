"""Accounts in PostgreSQL: create one, find one. Hashing and rules live in web/auth.

Emails are stored normalised (trimmed, lower-case) by the caller, so the UNIQUE
constraint on `users.email` is also the duplicate check, race-free.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass

from sqlalchemy import delete, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from db.postgres.models import User, UserSession

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
    auth_epoch: int = 0  # bumped by "sign out everywhere" and a password change


def _record(user: User) -> UserRecord:
    return UserRecord(user.id, user.email, user.password_hash, user.role, user.auth_epoch or 0)


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


# --- Browser sessions and revocation ----------------------------------------------------


def start_session(session: Session, user_id: int) -> str:
    """A new signed-in browser for `user_id`; the id goes in its (signed) cookie."""
    session_id = secrets.token_hex(32)
    session.add(UserSession(id=session_id, user_id=user_id))
    session.flush()
    return session_id


def user_of_session(session: Session, session_id: str) -> UserRecord | None:
    """The user a live session belongs to; None once it was ended (or never existed)."""
    if not isinstance(session_id, str) or len(session_id) != 64:
        return None
    user = session.scalars(
        select(User)
        .join(UserSession, UserSession.user_id == User.id)
        .where(UserSession.id == session_id)
    ).one_or_none()
    return None if user is None else _record(user)


def end_session(session: Session, session_id: str) -> None:
    session.execute(delete(UserSession).where(UserSession.id == session_id))


def end_every_session(session: Session, user_id: int) -> None:
    """Sign out every browser and revoke every API token of `user_id`."""
    session.execute(delete(UserSession).where(UserSession.user_id == user_id))
    session.execute(update(User).where(User.id == user_id).values(auth_epoch=User.auth_epoch + 1))


def set_password_hash(session: Session, user_id: int, password_hash: str) -> None:
    """A new password ends every session and token issued under the old one."""
    session.execute(update(User).where(User.id == user_id).values(password_hash=password_hash))
    end_every_session(session, user_id)
