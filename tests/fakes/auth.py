"""The auth ports in memory (web/auth/ports.py): accounts with unique emails and an auth
epoch, and browser sessions with the idle and absolute expiry of db/postgres/users.py,
on a clock the test can move (`FakeBrowserSessions.clock`). Both are held to the real
adapters by tests/fakes/test_auth_contract.py."""

from __future__ import annotations

import secrets
from dataclasses import dataclass, replace
from itertools import count

from db.postgres.users import MAX_USER_ID, ROLES, SHOPPER, EmailTaken, UserRecord
from domain.roles import check_binding

SEEN_EVERY_SECONDS = 60  # db/postgres/users.py marks a session seen at most once a minute


class FakeAccounts:
    def __init__(self) -> None:
        self.users: dict[int, UserRecord] = {}
        self._ids = count(1)
        # Sessions end with the account's epoch: the browser sessions listen here.
        self.sessions: FakeBrowserSessions | None = None

    def by_email(self, email: str) -> UserRecord | None:
        return next((user for user in self.users.values() if user.email == email), None)

    def by_id(self, user_id: int) -> UserRecord | None:
        if not 1 <= user_id <= MAX_USER_ID:
            return None
        return self.users.get(user_id)

    def create(
        self,
        *,
        email: str,
        password_hash: str,
        role: str = SHOPPER,
        warehouses: frozenset[int] = frozenset(),
    ) -> UserRecord:
        if role not in ROLES:
            raise ValueError(f"role must be one of {', '.join(ROLES)}, got {role!r}")
        check_binding(role, warehouses)
        if self.by_email(email) is not None:
            raise EmailTaken(email)
        user = UserRecord(next(self._ids), email, password_hash, role, 0, frozenset(warehouses))
        self.users[user.id] = user
        return user

    def set_password_hash(self, user_id: int, password_hash: str) -> None:
        user = self.users.get(user_id)
        if user is not None:
            self.users[user_id] = replace(user, password_hash=password_hash)
            self.end_every_session(user_id)

    def end_every_session(self, user_id: int) -> None:
        user = self.users.get(user_id)
        if user is not None:
            self.users[user_id] = replace(user, auth_epoch=user.auth_epoch + 1)
        if self.sessions is not None:
            self.sessions.end_all_of(user_id)


@dataclass
class _Row:
    user_id: int
    created_at: float
    last_seen_at: float


class FakeBrowserSessions:
    def __init__(self, accounts: FakeAccounts) -> None:
        self.accounts = accounts
        accounts.sessions = self
        self.rows: dict[str, _Row] = {}
        self.clock = 0.0  # seconds; tests move it to expire sessions

    def start(self, user_id: int) -> str:
        session_id = secrets.token_hex(32)
        self.rows[session_id] = _Row(user_id, self.clock, self.clock)
        return session_id

    def end(self, session_id: str) -> None:
        self.rows.pop(session_id, None)

    def user_of(
        self, session_id: str, *, idle_seconds: int, absolute_seconds: int
    ) -> UserRecord | None:
        row = self.rows.get(session_id) if isinstance(session_id, str) else None
        if row is None:
            return None
        if (
            self.clock - row.last_seen_at > idle_seconds
            or self.clock - row.created_at > absolute_seconds
        ):
            del self.rows[session_id]
            return None
        if self.clock - row.last_seen_at > SEEN_EVERY_SECONDS:  # like the real one's write
            row.last_seen_at = self.clock
        return self.accounts.by_id(row.user_id)

    def end_all_of(self, user_id: int) -> None:
        for session_id in [sid for sid, row in self.rows.items() if row.user_id == user_id]:
            del self.rows[session_id]
