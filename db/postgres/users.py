"""Accounts in PostgreSQL: create one, find one. Hashing and rules live in web/auth.

Emails are stored normalised (trimmed, lower-case) by the caller, so the UNIQUE
constraint on `users.email` is also the duplicate check, race-free.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import delete, func, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from db.postgres.models import User, UserSession, UserWarehouse, Warehouse
from domain.roles import ROLES, Role, RoleError, check_binding

SHOPPER = Role.SHOPPER.value

MAX_USER_ID = 2**63 - 1  # users.id is a BIGINT
UNIQUE_VIOLATION = "23505"  # PostgreSQL's SQLSTATE for a duplicate key
FOREIGN_KEY_VIOLATION = "23503"


class EmailTaken(Exception):
    """Another account already uses this email."""


@dataclass(frozen=True)
class UserRecord:
    id: int
    email: str
    password_hash: str
    role: str
    auth_epoch: int = 0  # bumped by "sign out everywhere" and a password change
    warehouses: frozenset[int] = frozenset()  # a warehouse worker's (domain/roles.py)


def _record(user: User) -> UserRecord:
    # Only a warehouse worker has warehouses: everyone else costs no second query.
    warehouses = (
        frozenset(link.warehouse_id for link in user.warehouse_links)
        if user.role == Role.WAREHOUSE
        else frozenset()
    )
    return UserRecord(
        user.id, user.email, user.password_hash, user.role, user.auth_epoch or 0, warehouses
    )


def create_user(
    session: Session,
    *,
    email: str,
    password_hash: str,
    role: str = SHOPPER,
    warehouses: frozenset[int] = frozenset(),
) -> UserRecord:
    """Insert and flush (the caller commits); EmailTaken if the email is in use,
    domain.roles.RoleError for a role and warehouses that do not go together."""
    if role not in ROLES:
        raise ValueError(f"role must be one of {', '.join(ROLES)}, got {role!r}")
    check_binding(role, warehouses)
    user = User(
        email=email,
        password_hash=password_hash,
        role=role,
        warehouse_links=[UserWarehouse(warehouse_id=w) for w in sorted(warehouses)],
    )
    try:
        with session.begin_nested():  # a duplicate must not poison the caller's transaction
            session.add(user)
            session.flush()
    except IntegrityError as exc:
        if getattr(exc.orig, "sqlstate", None) == UNIQUE_VIOLATION:
            raise EmailTaken(email) from exc
        if getattr(exc.orig, "sqlstate", None) == FOREIGN_KEY_VIOLATION:
            raise RoleError(f"There is no warehouse {_ids(warehouses)}.") from exc
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


def user_of_live_session(
    session: Session, session_id: str, *, idle_seconds: int, absolute_seconds: int
) -> UserRecord | None:
    """The user of a session neither idle for `idle_seconds` nor older than
    `absolute_seconds` (PostgreSQL's clock); an expired one is deleted. A live one is
    marked seen, at most once a minute, so browsing does not write on every request."""
    if not isinstance(session_id, str) or len(session_id) != 64:
        return None
    row = session.get(UserSession, session_id, with_for_update=False)
    if row is None:
        return None
    now = session.scalar(select(func.now()))
    if now - row.last_seen_at > timedelta(seconds=idle_seconds) or now - row.created_at > (
        timedelta(seconds=absolute_seconds)
    ):
        session.delete(row)
        return None
    if now - row.last_seen_at > _SEEN_EVERY:
        row.last_seen_at = now
    user = session.get(User, row.user_id)
    return None if user is None else _record(user)


_SEEN_EVERY = timedelta(minutes=1)


def end_session(session: Session, session_id: str) -> None:
    session.execute(delete(UserSession).where(UserSession.id == session_id))


def end_every_session(session: Session, user_id: int) -> None:
    """Sign out every browser and revoke every API token of `user_id`."""
    session.execute(delete(UserSession).where(UserSession.user_id == user_id))
    session.execute(update(User).where(User.id == user_id).values(auth_epoch=User.auth_epoch + 1))


def set_role(
    session: Session, user_id: int, role: str, warehouses: frozenset[int] = frozenset()
) -> None:
    """Give an account another role (and warehouses); its sessions and tokens end, so
    no process keeps acting on the old grants."""
    check_binding(role, warehouses)
    user = session.get(User, user_id)
    if user is None:
        raise LookupError(f"There is no user {user_id}.")
    known = set(session.scalars(select(Warehouse.id).where(Warehouse.id.in_(warehouses))))
    if known != set(warehouses):
        raise RoleError(f"There is no warehouse {_ids(frozenset(warehouses) - known)}.")
    user.role = role
    user.warehouse_links = [UserWarehouse(warehouse_id=w) for w in sorted(warehouses)]
    session.flush()
    end_every_session(session, user_id)


def set_password_hash(session: Session, user_id: int, password_hash: str) -> None:
    """A new password ends every session and token issued under the old one."""
    session.execute(update(User).where(User.id == user_id).values(password_hash=password_hash))
    end_every_session(session, user_id)


def _ids(warehouses: frozenset[int]) -> str:
    return " or ".join(str(w) for w in sorted(warehouses))
