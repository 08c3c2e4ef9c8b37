"""Reading the Maildir the embedded mail server writes (stack/mail_sink.py): newest first,
each message named by its Maildir key."""

from __future__ import annotations

import email
import mailbox
from dataclasses import dataclass
from datetime import UTC, datetime
from email.message import EmailMessage
from email.policy import default as default_policy
from email.utils import parsedate_to_datetime
from pathlib import Path

from settings import Settings

# Maildir keys are "<time>.<unique>.<host>"; anything else is not one of ours.
MAX_ID_LENGTH = 200


@dataclass(frozen=True)
class MailSummary:
    id: str
    to: str
    subject: str
    date: datetime | None


@dataclass(frozen=True)
class MailMessage:
    summary: MailSummary
    sender: str
    event: str
    text: str
    html: str


def maildir_path(settings: Settings) -> Path:
    return Path(settings.var_dir) / "mail"


def _open(path: Path) -> mailbox.Maildir | None:
    if not (path / "cur").is_dir():
        return None
    return mailbox.Maildir(path, factory=None, create=False)


def _date(raw: str | None) -> datetime | None:
    if not raw:
        return None
    try:
        return parsedate_to_datetime(raw).astimezone(UTC)
    except (TypeError, ValueError):
        return None


def _summary(key: str, message: mailbox.MaildirMessage) -> MailSummary:
    return MailSummary(
        id=key,
        to=str(message.get("To", "")),
        subject=str(message.get("Subject", "")),
        date=_date(message.get("Date")),
    )


def list_mail(path: Path) -> list[MailSummary]:
    """Every message, newest first (by its Date header, then its Maildir key)."""
    box = _open(path)
    if box is None:
        return []
    found = [_summary(key, message) for key, message in box.iteritems()]
    oldest = datetime.min.replace(tzinfo=UTC)
    return sorted(found, key=lambda m: (m.date or oldest, m.id), reverse=True)


def find_mail(path: Path, mail_id: str) -> MailMessage | None:
    box = _open(path)
    if box is None or not mail_id or len(mail_id) > MAX_ID_LENGTH or "/" in mail_id:
        return None
    try:
        raw = box.get_bytes(mail_id)
    except KeyError:
        return None
    message: EmailMessage = email.message_from_bytes(raw, policy=default_policy)  # type: ignore[assignment]
    text = message.get_body(preferencelist=("plain",))
    html = message.get_body(preferencelist=("html",))
    return MailMessage(
        summary=MailSummary(
            id=mail_id,
            to=str(message.get("To", "")),
            subject=str(message.get("Subject", "")),
            date=_date(message.get("Date")),
        ),
        sender=str(message.get("From", "")),
        event=str(message.get("X-Shopflow-Event", "")),
        text=text.get_content() if text is not None else "",
        html=html.get_content() if html is not None else "",
    )
