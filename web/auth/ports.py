"""What the sign-in use cases need: accounts with their password hashes, the browser
sessions that name a signed-in browser, and the sign-in throttle.
Adapters: web/auth/adapters.py (PostgreSQL) and web/limits.py (`AbuseLimits`, Redis);
fakes: tests/fakes/auth.py."""

from __future__ import annotations

from typing import Protocol

from db.postgres.users import SHOPPER, UserRecord
from web.limits import Verdict


class Accounts(Protocol):
    def by_email(self, email: str) -> UserRecord | None:
        """The account of an already normalised email."""

    def by_id(self, user_id: int) -> UserRecord | None: ...

    def create(
        self,
        *,
        email: str,
        password_hash: str,
        role: str = SHOPPER,
        warehouses: frozenset[int] = frozenset(),
    ) -> UserRecord:
        """Committed; raises db.postgres.users.EmailTaken when the email is in use,
        domain.roles.RoleError for a role and warehouses that do not go together."""

    def set_password_hash(self, user_id: int, password_hash: str) -> None:
        """Also ends every session and token of the account (a new auth epoch)."""

    def end_every_session(self, user_id: int) -> None:
        """Deletes every browser session and bumps the auth epoch (every token ends)."""


class BrowserSessions(Protocol):
    def start(self, user_id: int) -> str:
        """A new session id for a signed-in browser (it goes in the signed cookie)."""

    def end(self, session_id: str) -> None: ...

    def user_of(
        self, session_id: str, *, idle_seconds: int, absolute_seconds: int
    ) -> UserRecord | None:
        """The user of a live session; an idle or too old one ends and gives None."""


class LoginThrottle(Protocol):
    """web/limits.py's `AbuseLimits`: `login` raises LimiterUnavailable when it cannot
    be asked (sign-in fails closed); only failures are counted."""

    def login(self, client_ip: str, email: str) -> Verdict: ...

    def login_failed(self, client_ip: str, email: str) -> None: ...

    def registration(self, client_ip: str) -> Verdict: ...


class TokenIssuer(Protocol):
    """web/api_tokens.py's `ApiTokens`."""

    ttl_seconds: int

    def issue(self, user_id: int, fingerprint: str) -> str: ...
