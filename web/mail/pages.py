"""/dev/mail: the development mailbox for operators (and admins), only with SHOPFLOW_ENV=dev:
in production mail goes to the shoppers' own inboxes and this page is a 404."""

from __future__ import annotations

from flask import Blueprint, abort, render_template

from domain.roles import Permission
from web.current_user import permission_required
from web.mail.maildir import find_mail, list_mail, maildir_path
from web.services import services

bp = Blueprint("mail", __name__, url_prefix="/dev/mail")


def _dev_mailbox():
    settings = services().settings
    if not settings.is_dev:
        abort(404)
    return maildir_path(settings)


@bp.get("")
@permission_required(Permission.DECODE_PAYLOADS)  # operators and admins
def index() -> str:
    return render_template("mail/index.html", messages=list_mail(_dev_mailbox()))


@bp.get("/<mail_id>")
@permission_required(Permission.DECODE_PAYLOADS)  # operators and admins
def show(mail_id: str) -> str:
    message = find_mail(_dev_mailbox(), mail_id)
    if message is None:
        abort(404)
    return render_template("mail/show.html", message=message)
