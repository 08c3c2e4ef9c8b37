"""Mail settings (docs/email.md): SMTP_URL is read, required outside dev, and handed to
the children `shopflow run` starts; links point at PUBLIC_URL."""

from __future__ import annotations

import pytest

from activities.mail import SmtpSender, message_id_for
from entrypoints.process_commands import mail_problem
from settings import Settings

pytestmark = pytest.mark.unit

SERVICES = {
    "DATABASE_URL": "postgresql://db/shop",
    "TYPESENSE_URL": "http://search:8108",
    "TEMPORAL_ADDRESS": "temporal:7233",
}


def test_outside_dev_the_worker_wants_an_smtp_url():
    assert "SMTP_URL" in mail_problem(Settings.from_env(SERVICES, env_file=None))
    with_mail = Settings.from_env({**SERVICES, "SMTP_URL": "smtp://mail:25"}, env_file=None)
    assert mail_problem(with_mail) is None
    dev = Settings.from_env({**SERVICES, "SHOPFLOW_ENV": "dev"}, env_file=None)
    assert mail_problem(dev) is None


def test_mail_settings_are_read_and_passed_on():
    settings = Settings.from_env(
        {"SMTP_URL": "smtps://u:p%40ss@mail:465", "PUBLIC_URL": "https://shop.example/"}
    )
    assert settings.service_env()["SMTP_URL"] == "smtps://u:p%40ss@mail:465"
    assert settings.store_url == "https://shop.example"
    assert Settings(host="127.0.0.1", port=8123).store_url == "http://127.0.0.1:8123"


def test_the_smtp_url_names_scheme_host_port_and_login():
    sender = SmtpSender("smtps://u:p%40ss@mail.example:465", "shop <a@b.c>")
    assert (sender.scheme, sender.host, sender.port) == ("smtps", "mail.example", 465)
    assert (sender.username, sender.password) == ("u", "p@ss")
    assert SmtpSender("smtp://mail", "x").port == 25
    with pytest.raises(ValueError):
        SmtpSender("http://mail", "x")


def test_one_event_is_one_message_id_on_every_attempt():
    assert message_id_for("order-placed:ab12") == message_id_for("order-placed:ab12")
    assert message_id_for("order-placed:ab12") != message_id_for("order-delivered:ab12")
    assert message_id_for("parcel-shipped:o/1 x") == "<parcel-shipped.o.1.x@shopflow>"
