"""The embedded mail server's Maildir (stack/mail_sink.py) and its reader (web/mail/maildir.py)."""

from __future__ import annotations

from datetime import UTC, datetime
from email.message import EmailMessage
from email.utils import format_datetime

import pytest

from stack.mail_sink import DeduplicatingMaildir
from web.mail.maildir import find_mail, list_mail

pytestmark = pytest.mark.unit


def message(message_id: str, subject: str, when: datetime) -> EmailMessage:
    m = EmailMessage()
    m["To"], m["From"], m["Subject"] = "ann@example.com", "shop <s@x.y>", subject
    m["Date"], m["Message-ID"] = format_datetime(when), message_id
    m.set_content(f"text of {subject}")
    m.add_alternative(f"<p>html of {subject}</p>", subtype="html")
    return m


def test_a_message_id_is_filed_once_and_the_reader_lists_newest_first(tmp_path):
    sink = DeduplicatingMaildir(tmp_path / "mail")
    sink.handle_message(message("<a@shopflow>", "first", datetime(2026, 12, 1, tzinfo=UTC)))
    sink.handle_message(message("<a@shopflow>", "first again", datetime(2026, 12, 1, tzinfo=UTC)))
    sink.handle_message(message("<b@shopflow>", "second", datetime(2026, 12, 2, tzinfo=UTC)))
    # A restarted server remembers what it filed.
    DeduplicatingMaildir(tmp_path / "mail").handle_message(
        message("<b@shopflow>", "second again", datetime(2026, 12, 2, tzinfo=UTC))
    )

    found = list_mail(tmp_path / "mail")

    assert [m.subject for m in found] == ["second", "first"]
    shown = find_mail(tmp_path / "mail", found[0].id)
    assert shown.text.strip() == "text of second" and "html of second" in shown.html
    assert find_mail(tmp_path / "mail", "../etc") is None
    assert find_mail(tmp_path / "mail", "nope") is None
    assert list_mail(tmp_path / "no-such-dir") == []
