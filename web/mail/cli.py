"""`shopflow mail list [--json]` and `shopflow mail show ID`: the development mailbox
(var/mail/, filled by the embedded mail server), newest first."""

from __future__ import annotations

import json
import sys

import click

from settings import Settings, pass_settings
from web.formatting import utc_iso
from web.mail.maildir import find_mail, list_mail, maildir_path


@click.group("mail")
def mail_group() -> None:
    """The mail the embedded mail server received (var/mail/)."""


@mail_group.command("list")
@click.option("--json", "as_json", is_flag=True, help="One JSON array: to, subject, date, id.")
@pass_settings
def list_command(settings: Settings, as_json: bool) -> None:
    """Every message, newest first."""
    found = list_mail(maildir_path(settings))
    if as_json:
        rows = [
            {
                "to": m.to,
                "subject": m.subject,
                "date": utc_iso(m.date) if m.date else None,
                "id": m.id,
            }
            for m in found
        ]
        click.echo(json.dumps(rows, indent=2))
        return
    if not found:
        click.echo("no mail yet")
        return
    for m in found:
        when = m.date.strftime("%Y-%m-%d %H:%M:%S") if m.date else "-"
        click.echo(f"{when}  {m.to:<30}  {m.subject}  [{m.id}]")


@mail_group.command("show")
@click.argument("mail_id")
@click.option("--html", "as_html", is_flag=True, help="The HTML part instead of the text.")
@pass_settings
def show_command(settings: Settings, mail_id: str, as_html: bool) -> None:
    """One message: its headers and its text (or HTML) part."""
    message = find_mail(maildir_path(settings), mail_id)
    if message is None:
        click.echo(f"error: no message {mail_id!r} (see `shopflow mail list`)", err=True)
        sys.exit(1)
    s = message.summary
    click.echo(f"From:    {message.sender}")
    click.echo(f"To:      {s.to}")
    click.echo(f"Subject: {s.subject}")
    click.echo(f"Date:    {utc_iso(s.date) if s.date else '-'}")
    click.echo(f"Event:   {message.event}")
    click.echo("")
    click.echo(message.html if as_html else message.text)
