"""/dev/mail: staff read the development mailbox (the test stack's mail server, var/mail/)
in the browser; shoppers cannot, and outside dev the page does not exist."""

from __future__ import annotations

import secrets
import smtplib
import uuid
from email.message import EmailMessage
from urllib.parse import urlsplit

import pytest

pytest_plugins = ["tests.web.warehouse_fixtures"]
pytestmark = [pytest.mark.web, pytest.mark.integration]


def send_through_the_mail_server(settings, subject: str) -> None:
    url = urlsplit(settings.smtp_url)
    message = EmailMessage()
    message["From"], message["To"], message["Subject"] = "shop <s@x.y>", "ann@example.com", subject
    message["Message-ID"] = f"<{uuid.uuid4().hex}@test>"
    message["Date"] = "Mon, 07 Dec 2026 09:00:00 +0000"
    message.set_content("Hello from the test.")
    message.add_alternative("<p>Hello from the test.</p>", subtype="html")
    with smtplib.SMTP(url.hostname, url.port, timeout=10) as smtp:
        smtp.send_message(message)


def test_staff_read_the_dev_mailbox_and_shoppers_cannot(
    warehouse_db, staff_browser, shopper_browser
):
    subject = f"Dev mailbox check {uuid.uuid4().hex[:8]}"
    send_through_the_mail_server(warehouse_db, subject)

    listing = staff_browser.get("/dev/mail")
    page = listing.get_data(as_text=True)
    assert listing.status_code == 200 and subject in page
    href = page.split(subject)[0].rsplit('href="', 1)[1].split('"')[0]
    shown = staff_browser.get(href)
    assert shown.status_code == 200 and "Hello from the test." in shown.get_data(as_text=True)
    assert shopper_browser.get("/dev/mail").status_code == 403
    assert staff_browser.get("/dev/mail/no-such-message").status_code == 404


def test_outside_dev_there_is_no_dev_mailbox(make_portal_app, accounts):
    from tests.web.warehouse_fixtures import sign_in

    app = make_portal_app(
        environment="production",
        secret_key=secrets.token_urlsafe(48),
        payload_encryption_keys=(secrets.token_urlsafe(48),),
        vault_keys=(secrets.token_urlsafe(48),),
        typesense_api_key=secrets.token_urlsafe(48),
    )
    assert sign_in(app, accounts["staff"].email).get("/dev/mail").status_code == 404
