"""A shopper who forgot their password asks for a link on the sign-in page, opens the
emailed link (from the test stack's mail server, var/mail/) and signs in with the new
password, in real Chromium."""

from __future__ import annotations

import re
import uuid
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import expect

from tests.e2e.forms import PASSWORD
from tests.waiting import wait_until
from web.mail.maildir import find_mail, list_mail, maildir_path

pytestmark = pytest.mark.e2e

NEW_PASSWORD = "a brand new lantern"


def test_forgot_password_then_sign_in_with_the_new_one(
    live_store, checkout_worker, stack_settings, page, output_dir, browser_errors
):
    # The weak password below answers 400 on purpose (htmx reports it to the console).
    browser_errors.expect(r"status of 400|Response Status Error Code 400 from /password-reset/")
    email = f"e2e-reset-{uuid.uuid4().hex[:10]}@example.com"
    page.goto(f"{live_store}/register?next=/")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Create account").click()
    expect(page).to_have_url(f"{live_store}/", timeout=30_000)
    page.context.clear_cookies()

    page.goto(f"{live_store}/login")
    page.get_by_role("link", name="Forgot password?").click()
    expect(page).to_have_url(f"{live_store}/password-reset")
    page.get_by_label("Email").fill(email)
    page.get_by_role("button", name="Email me a link").click()
    expect(page.locator("[data-test=reset-sent]")).to_contain_text(email, timeout=20_000)
    page.screenshot(path=str(output_dir / "reset-asked.png"), full_page=True)

    mailbox = maildir_path(stack_settings)
    mail = wait_until(
        lambda: next((m for m in list_mail(mailbox) if m.to == email), None),
        what="the reset email",
    )
    text = find_mail(mailbox, mail.id).text
    link = re.search(r"http\S+/password-reset/\S+", text).group(0)
    page.goto(live_store + urlsplit(link).path)
    page.get_by_label("New password").fill("12345678")  # long enough, too easy to guess
    page.get_by_role("button", name="Set my password").click()
    expect(page.locator("[data-test=form-error]")).to_be_visible(timeout=20_000)
    page.get_by_label("New password").fill(NEW_PASSWORD)
    page.get_by_role("button", name="Set my password").click()
    expect(page.locator("[data-test=reset-done]")).to_be_visible(timeout=30_000)
    page.screenshot(path=str(output_dir / "reset-done.png"), full_page=True)

    page.get_by_role("link", name="Sign in").last.click()
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(NEW_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page).not_to_have_url(re.compile(r"/login"), timeout=30_000)
