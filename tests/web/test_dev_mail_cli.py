"""`shopflow mail list` and `shopflow mail show` read the mailbox under the settings the
`shopflow` group resolved (its `.env`, its var dir), not the bare environment's."""

from __future__ import annotations

import dataclasses
import json
import mailbox
from email.message import EmailMessage
from pathlib import Path

import pytest
from click.testing import CliRunner

from settings import LazySettings
from tests.web.fakes import fake_settings
from web.mail.cli import mail_group

pytestmark = pytest.mark.unit


def mailbox_with_one_message(var_dir: Path, subject: str) -> str:
    message = EmailMessage()
    message["From"], message["To"], message["Subject"] = "shop <s@x.y>", "ann@example.com", subject
    message["Date"] = "Mon, 07 Dec 2026 09:00:00 +0000"
    message.set_content("Your order is on its way.")
    return mailbox.Maildir(var_dir / "mail", create=True).add(message)


def shopflow_mail(var_dir: Path, *args: str):
    """The command as the `shopflow` group runs it: settings resolved lazily on its context."""
    settings = dataclasses.replace(fake_settings(), var_dir=var_dir)
    return CliRunner().invoke(mail_group, list(args), obj=LazySettings(lambda: settings))


def test_the_list_reads_the_mailbox_of_the_resolved_settings(tmp_path):
    mail_id = mailbox_with_one_message(tmp_path, "Order shipped")
    answer = shopflow_mail(tmp_path, "list", "--json")
    assert answer.exit_code == 0, answer.output
    assert [(m["id"], m["subject"]) for m in json.loads(answer.output)] == [
        (mail_id, "Order shipped")
    ]


def test_one_message_is_shown_with_its_text(tmp_path):
    mail_id = mailbox_with_one_message(tmp_path, "Order shipped")
    answer = shopflow_mail(tmp_path, "show", mail_id)
    assert answer.exit_code == 0, answer.output
    assert "Subject: Order shipped" in answer.output
    assert "Your order is on its way." in answer.output
