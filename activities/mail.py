"""The mail activity: one email per event, over SMTP (docs/email.md).

Exactly once, as near as SMTP allows: the activity looks the event key up in
`sent_emails` and sends nothing when it is there; otherwise it sends, then records the
key. A worker that dies between the two sends again on retry, with the same
Message-ID (`<event key@shopflow>`), which a mail store can tell apart (the embedded
server files it once). A mail server that is down fails the attempt, and Temporal
retries it until the server is back: mail is late, never lost.
"""

from __future__ import annotations

import smtplib
import ssl
from collections.abc import Callable
from datetime import UTC, datetime
from email.message import EmailMessage
from email.utils import format_datetime
from urllib.parse import unquote, urlsplit

from sqlalchemy.orm import Session, sessionmaker
from temporalio import activity
from temporalio.exceptions import ApplicationError

from activities.mail_content import Email, NothingToSend, compose
from db.postgres.sent_emails import record_sent, was_sent
from workflows.mail_messages import SEND_EMAIL, EmailRequest, EmailResult

SMTP_TIMEOUT_SECONDS = 10.0


def message_id_for(event_key: str) -> str:
    """The same Message-ID on every attempt for one event: how a retried send is known."""
    safe = "".join(c if c.isalnum() or c in "-._" else "." for c in event_key)
    return f"<{safe}@shopflow>"


class SmtpSender:
    """Sends one message to the server SMTP_URL names (smtp://, smtps://, smtp+starttls://)."""

    def __init__(self, smtp_url: str, mail_from: str) -> None:
        url = urlsplit(smtp_url)
        if url.scheme not in ("smtp", "smtps", "smtp+starttls") or not url.hostname:
            raise ValueError(
                "SMTP_URL must look like smtp://host:port (or smtps://, smtp+starttls://)"
            )
        self.scheme = url.scheme
        self.host = url.hostname
        self.port = url.port or (465 if url.scheme == "smtps" else 25)
        self.username = unquote(url.username) if url.username else None
        self.password = unquote(url.password) if url.password else None
        self.mail_from = mail_from

    def send(self, message: EmailMessage) -> None:
        if self.scheme == "smtps":
            client = smtplib.SMTP_SSL(
                self.host,
                self.port,
                timeout=SMTP_TIMEOUT_SECONDS,
                context=ssl.create_default_context(),
            )
        else:
            client = smtplib.SMTP(self.host, self.port, timeout=SMTP_TIMEOUT_SECONDS)
        with client:
            if self.scheme == "smtp+starttls":
                client.starttls(context=ssl.create_default_context())
            if self.username:
                client.login(self.username, self.password or "")
            client.send_message(message)


def build_message(email: Email, *, mail_from: str, event_key: str) -> EmailMessage:
    message = EmailMessage()
    message["From"] = mail_from
    message["To"] = email.recipient
    message["Subject"] = email.subject
    message["Date"] = format_datetime(datetime.now(UTC))
    message["Message-ID"] = message_id_for(event_key)
    message["X-Shopflow-Event"] = event_key
    message.set_content(email.text)
    message.add_alternative(email.html, subtype="html")
    return message


class MailActivities:
    def __init__(
        self,
        sessions: sessionmaker[Session],
        sender: SmtpSender | None,
        *,
        store_url: str,
        reset_ttl_seconds: int,
    ) -> None:
        self._sessions = sessions
        self._sender = sender
        self._store_url = store_url
        self._reset_ttl_minutes = max(1, reset_ttl_seconds // 60)

    def activities(self) -> list[Callable]:
        return [self.send_email]

    @activity.defn(name=SEND_EMAIL)
    def send_email(self, request: EmailRequest) -> EmailResult:
        key = request.event_key
        with self._sessions() as session:
            if was_sent(session, key):
                return EmailResult(key, sent=False)
            try:
                email = compose(
                    session,
                    request,
                    store_url=self._store_url,
                    reset_ttl_minutes=self._reset_ttl_minutes,
                )
            except NothingToSend:
                raise ApplicationError(
                    f"nothing to mail for {key}", type="NothingToSend", non_retryable=True
                ) from None
        if self._sender is None:
            # No SMTP_URL (only possible with SHOPFLOW_ENV=dev): retried until one is set.
            raise RuntimeError("SMTP_URL is not set: the email waits until it is")
        self._sender.send(build_message(email, mail_from=self._sender.mail_from, event_key=key))
        with self._sessions.begin() as session:
            record_sent(
                session,
                event_key=key,
                recipient=email.recipient,
                subject=email.subject,
                message_id=message_id_for(key),
            )
        return EmailResult(key, sent=True)


__all__ = ["MailActivities", "SmtpSender", "build_message", "message_id_for"]
