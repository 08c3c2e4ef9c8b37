"""Password-reset links in PostgreSQL (table `password_reset_tokens`): only a token's
SHA-256 is stored; a link is used by one conditional UPDATE, so two clicks racing
each other reset the password once (docs/security.md)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select, update
from sqlalchemy.orm import Session, sessionmaker

from db.postgres.models import PasswordResetToken, User
from db.postgres.users import find_user_by_email, set_password_hash


class PasswordResets:
    def __init__(self, sessions: sessionmaker[Session]) -> None:
        self._sessions = sessions

    def account_id(self, email: str) -> int | None:
        with self._sessions() as session:
            user = find_user_by_email(session, email)
        return None if user is None else user.id

    def create_link(self, user_id: int, token_hash: str, expires_at: datetime) -> int:
        with self._sessions.begin() as session:
            row = PasswordResetToken(user_id=user_id, token_hash=token_hash, expires_at=expires_at)
            session.add(row)
            session.flush()
            return row.id

    def email_of_valid_link(self, token_hash: str, now: datetime) -> str | None:
        with self._sessions() as session:
            return session.scalar(
                select(User.email)
                .join(PasswordResetToken, PasswordResetToken.user_id == User.id)
                .where(
                    PasswordResetToken.token_hash == token_hash,
                    PasswordResetToken.used_at.is_(None),
                    PasswordResetToken.expires_at > now,
                )
            )

    def use_link(self, token_hash: str, now: datetime, password_hash: str) -> int | None:
        """Spend the link and set the password, in one transaction: every session, API
        token and other reset link of the account ends with it. The account's id, or None
        when the link was used, expired or never existed."""
        with self._sessions.begin() as session:
            user_id = session.scalar(
                update(PasswordResetToken)
                .where(
                    PasswordResetToken.token_hash == token_hash,
                    PasswordResetToken.used_at.is_(None),
                    PasswordResetToken.expires_at > now,
                )
                .values(used_at=now)
                .returning(PasswordResetToken.user_id)
            )
            if user_id is None:
                return None
            session.execute(
                update(PasswordResetToken)
                .where(PasswordResetToken.user_id == user_id, PasswordResetToken.used_at.is_(None))
                .values(used_at=now)
            )
            set_password_hash(session, user_id, password_hash)
            return user_id
