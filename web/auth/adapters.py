"""The auth ports over PostgreSQL (db/postgres/users.py): one transaction per call."""

from __future__ import annotations

from sqlalchemy.orm import Session, sessionmaker

from db.postgres import users
from db.postgres.users import SHOPPER, UserRecord


class SqlAccounts:
    def __init__(self, sessions: sessionmaker[Session]) -> None:
        self._sessions = sessions

    def by_email(self, email: str) -> UserRecord | None:
        with self._sessions() as session:
            return users.find_user_by_email(session, email)

    def by_id(self, user_id: int) -> UserRecord | None:
        with self._sessions() as session:
            return users.find_user_by_id(session, user_id)

    def create(
        self,
        *,
        email: str,
        password_hash: str,
        role: str = SHOPPER,
        warehouses: frozenset[int] = frozenset(),
    ) -> UserRecord:
        with self._sessions.begin() as session:
            return users.create_user(
                session,
                email=email,
                password_hash=password_hash,
                role=role,
                warehouses=warehouses,
            )

    def set_password_hash(self, user_id: int, password_hash: str) -> None:
        with self._sessions.begin() as session:
            users.set_password_hash(session, user_id, password_hash)

    def end_every_session(self, user_id: int) -> None:
        with self._sessions.begin() as session:
            users.end_every_session(session, user_id)


class SqlBrowserSessions:
    def __init__(self, sessions: sessionmaker[Session]) -> None:
        self._sessions = sessions

    def start(self, user_id: int) -> str:
        with self._sessions.begin() as session:
            return users.start_session(session, user_id)

    def end(self, session_id: str) -> None:
        with self._sessions.begin() as session:
            users.end_session(session, session_id)

    def user_of(
        self, session_id: str, *, idle_seconds: int, absolute_seconds: int
    ) -> UserRecord | None:
        # begin(): an expired session is deleted, a live one marked seen.
        with self._sessions.begin() as session:
            return users.user_of_live_session(
                session, session_id, idle_seconds=idle_seconds, absolute_seconds=absolute_seconds
            )
