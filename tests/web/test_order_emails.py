"""Order emails on the real stack (docs/email.md): the worker's mail activity sends over
SMTP to the session's embedded mail server, which files into the Maildir under its
var/mail/, where `shopflow mail list --json` and `shopflow mail show` find them."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from dataclasses import replace
from datetime import UTC, datetime

import pytest
from sqlalchemy import text

from stack.mail_server import MailServer
from tests.waiting import wait_until

pytest_plugins = ["tests.web.checkout_fixtures", "tests.web.order_fixtures"]
pytestmark = [pytest.mark.web, pytest.mark.integration]

SEATTLE = 1


def shopflow_mail(settings, *args: str) -> str:
    env = {**os.environ, "SHOPFLOW_VAR_DIR": str(settings.var_dir), "SHOPFLOW_ENV": "dev"}
    done = subprocess.run(
        [sys.executable, "-m", "entrypoints", "mail", *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 0, done.stderr
    return done.stdout


def mails_to(settings, email: str) -> list[dict]:
    return [m for m in json.loads(shopflow_mail(settings, "list", "--json")) if m["to"] == email]


def sent_keys(engine, order_id: str) -> list[str]:
    with engine.connect() as conn:
        return list(
            conn.execute(
                text("SELECT event_key FROM sent_emails WHERE event_key LIKE :k ORDER BY 1"),
                {"k": f"%:{order_id}%"},
            ).scalars()
        )


def test_an_order_placed_produces_one_email_with_lines_total_card_and_parcel_dates(
    shop, api_shopper, item_in, fulfilment, checkout_settings, checkout_engine
):
    lamp = item_in(SEATTLE, 5, price=4_200, name="Desk Lamp")
    shopper = api_shopper({lamp: 2})
    order_id = fulfilment.place(shop, shopper)
    detail = fulfilment.wait_for_parcels(shop, shopper, order_id, count=1)

    found = wait_until(lambda: mails_to(checkout_settings, shopper.email), what="the order email")
    assert [m["subject"] for m in found] == [f"Your shopflow order {order_id[:8]} is placed"]
    assert set(found[0]) == {"to", "subject", "date", "id"}

    shown = shopflow_mail(checkout_settings, "show", found[0]["id"])
    assert "Desk Lamp x2" in shown and "Total: $84.00" in shown
    assert "Visa ending 4242" in shown
    arrival = datetime.fromisoformat(detail["suborders"][0]["arrivalDate"]).replace(tzinfo=UTC)
    assert f"From Seattle: 2 items, arrives by {arrival.strftime('%A %-d %B')}" in shown
    html = shopflow_mail(checkout_settings, "show", "--html", found[0]["id"])
    assert "<html" in html and "Desk Lamp" in html
    assert sent_keys(checkout_engine, order_id) == [f"order-placed:{order_id}"]

    # Shipping and delivering the parcel: one email each, and still one "placed".
    parcel = detail["suborders"][0]["suborderID"]
    fulfilment.ship(parcel)
    fulfilment.deliver(parcel)

    def three_subjects():
        subjects = sorted(m["subject"] for m in mails_to(checkout_settings, shopper.email))
        return subjects if len(subjects) >= 3 else None

    subjects = wait_until(three_subjects, what="placed, shipped and delivered emails")
    delivered = fulfilment.detail(shop, shopper, order_id)
    assert delivered["status"] == "DELIVERED"
    assert delivered["arrivalDate"] == datetime.now(UTC).date().isoformat()  # delivered on
    assert subjects == sorted(
        [
            f"Your shopflow order {order_id[:8]} is placed",
            f"A parcel of your order {order_id[:8]} has shipped",
            f"Your shopflow order {order_id[:8]} was delivered",
        ]
    )


def test_a_cancelled_order_mails_its_refund(
    shop, api_shopper, item_in, fulfilment, checkout_settings
):
    mug = item_in(SEATTLE, 5, price=900, name="Blue Mug")
    shopper = api_shopper({mug: 1})
    order_id = fulfilment.place(shop, shopper)
    fulfilment.wait_for_parcels(shop, shopper, order_id, count=1)

    answer = shop.post(
        "/api/v1/checkout?op=CANCEL", json={"orderID": order_id}, headers=shopper.headers
    )
    assert answer.status_code == 200, answer.get_json()

    def cancelled_mail():
        return [
            m for m in mails_to(checkout_settings, shopper.email) if "cancelled" in m["subject"]
        ]

    (mail,) = wait_until(cancelled_mail, what="the cancel email")
    cancelled = fulfilment.detail(shop, shopper, order_id)
    assert cancelled["status"] == "CANCELLED" and cancelled["arrivalDate"] is None
    assert [s["arrivalDate"] for s in cancelled["suborders"]] == [None]  # no date once cancelled
    assert "$9.00 was refunded to your Visa ending 4242" in shopflow_mail(
        checkout_settings, "show", mail["id"]
    )


def test_with_the_mail_server_down_the_email_is_late_and_arrives_once(
    shop, api_shopper, item_in, fulfilment, checkout_settings, checkout_engine
):
    server = MailServer(replace(checkout_settings, smtp_url=None))
    pid = server.running_pid()
    assert pid is not None
    assert server.stop(pid)
    try:
        lamp = item_in(SEATTLE, 5, price=1_000, name="Outage Lamp")
        shopper = api_shopper({lamp: 1})
        order_id = fulfilment.place(shop, shopper)
        fulfilment.wait_for_parcels(shop, shopper, order_id, count=1)
        time.sleep(3)  # a few attempts fail meanwhile
        assert sent_keys(checkout_engine, order_id) == []
        assert mails_to(checkout_settings, shopper.email) == []
    finally:
        server.prepare()
        server.wait_healthy(server.start(), timeout=30)

    found = wait_until(
        lambda: mails_to(checkout_settings, shopper.email),
        what="the late order email",
        seconds=60,
    )
    time.sleep(2)  # a second copy would land by now
    assert len(mails_to(checkout_settings, shopper.email)) == len(found) == 1
    assert sent_keys(checkout_engine, order_id) == [f"order-placed:{order_id}"]
