"""What the browser journeys type into the store's forms (plain helpers, no fixtures)."""

from __future__ import annotations

import uuid

from playwright.sync_api import Page, expect

APPROVED_CARD = "4242 4242 4242 4242"
PASSWORD = "correct horse battery"


def pay_and_place_order(page: Page, card: str = APPROVED_CARD) -> None:
    """Fill the payment page (card and a Seattle address) and press its one button."""
    page.get_by_label("Card number").fill(card)
    page.get_by_label("Expiry (MM/YY)").fill("12/34")
    page.get_by_label("CVC").fill("123")
    page.get_by_label("Name on card").fill("Ada Shopper")
    page.get_by_label("Full name").fill("Ada Shopper")
    page.get_by_label("Address line 1").fill("1 Main St")
    page.get_by_label("City").fill("Seattle")
    page.get_by_label("Postal code").fill("98101")
    page.get_by_label("Country").fill("US")
    page.get_by_role("button", name="Pay and place order").click()


def sign_up(page: Page, store: str, tag: str, next_path: str) -> None:
    """Create a fresh account (e2e-<tag>-…@example.com) and land on `next_path`."""
    page.goto(f"{store}/register?next={next_path}")
    page.get_by_label("Email").fill(f"e2e-{tag}-{uuid.uuid4().hex[:10]}@example.com")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Create account").click()
    # A generous deadline: signing up runs scrypt, slow on a busy machine.
    expect(page).to_have_url(f"{store}{next_path}", timeout=30_000)
