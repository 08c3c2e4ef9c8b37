"""What the store has mailed (docs/email.md) and the password-reset links it sent."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, ForeignKey, String, func
from sqlalchemy.orm import Mapped, mapped_column

from db.postgres.models.base import Base, timestamptz


class SentEmail(Base):
    """One row per event mailed: the mail activity looks here before it sends, and writes
    here once the SMTP server took the message, so a retried send is not a second email."""

    __tablename__ = "sent_emails"

    event_key: Mapped[str] = mapped_column(String(200), primary_key=True)
    recipient: Mapped[str] = mapped_column(String(254))
    subject: Mapped[str] = mapped_column(String(300))
    message_id: Mapped[str] = mapped_column(String(300))
    sent_at: Mapped[datetime] = mapped_column(timestamptz(), server_default=func.now())


class PasswordResetToken(Base):
    """A reset link: only the SHA-256 of its token is kept, so a read of this table cannot
    reset anyone's password. Single use (used_at) and short-lived (expires_at)."""

    __tablename__ = "password_reset_tokens"

    id: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(timestamptz(), server_default=func.now())
    expires_at: Mapped[datetime] = mapped_column(timestamptz())
    used_at: Mapped[datetime | None] = mapped_column(timestamptz())
