"""The ledger of events mailed (table `sent_emails`, docs/email.md)."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.orm import Session

from db.postgres.models import SentEmail


def was_sent(session: Session, event_key: str) -> bool:
    return (
        session.scalar(select(SentEmail.event_key).where(SentEmail.event_key == event_key))
        is not None
    )


def record_sent(
    session: Session, *, event_key: str, recipient: str, subject: str, message_id: str
) -> None:
    """Written right after the SMTP server took the message; a second write is a no-op."""
    session.execute(
        insert(SentEmail)
        .values(event_key=event_key, recipient=recipient, subject=subject, message_id=message_id)
        .on_conflict_do_nothing(index_elements=[SentEmail.event_key])
    )
