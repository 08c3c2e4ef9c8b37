"""A flash sale in the browser: staff made an item hot and two shoppers are ahead in line;
the shopper's "Begin checkout" opens the waiting page (position, wait), which follows
the ticket's stream: it moves up when the shopper ahead gives up the unit, and on to
the checkout page by itself once the next one does too, without a reload or a poll."""

from __future__ import annotations

import re
import uuid

import pytest
from playwright.sync_api import expect

from tests.web.waiting_room_fixtures import insert_item, insert_shoppers

pytestmark = pytest.mark.e2e

WAITING_ITEM = 850_001  # apart from every other test's items (one Redis, one Temporal)


def test_the_waiting_page_shows_the_place_in_line_and_moves_on_to_checkout_by_itself(
    live_store, checkout_worker, stack_settings, engine, page, output_dir, assert_invariants
):
    api = page.request
    item = insert_item(engine, 1, item_id=WAITING_ITEM)
    staff, ahead, behind = insert_shoppers(engine, stack_settings, 1, "operator") + insert_shoppers(
        engine, stack_settings, 2
    )
    switched = api.put(
        f"{live_store}/api/v1/items/{item}/hot", data={"enabled": True}, headers=staff.headers
    )
    assert switched.ok, switched.text()
    cart = {"cart": [{"itemID": item, "quantity": 1}]}
    begin = f"{live_store}/api/v1/checkout?op=BEGIN"
    place = api.post(begin, data=cart, headers=ahead.headers).json()
    expect_admitted = live_store + place["statusURL"]
    for _ in range(200):  # the shopper ahead is admitted first (polling, not timing)
        if api.get(expect_admitted, headers=ahead.headers).json()["status"] == "ADMITTED":
            break
        page.wait_for_timeout(100)
    second = api.post(begin, data=cart, headers=behind.headers).json()
    assert second["status"] == "WAITING" and second["position"] == 1
    requested: list[str] = []
    page.on("request", lambda request: requested.append(request.url))

    page.goto(f"{live_store}/register?next=/items/{item}")
    page.get_by_label("Email").fill(f"e2e-line-{uuid.uuid4().hex[:10]}@example.com")
    page.get_by_label("Password").fill("correct horse battery")
    page.get_by_role("button", name="Create account").click()
    with page.expect_response(re.compile(r"/cart/add$")):  # in the cart before we go on
        page.get_by_role("button", name="Add to cart").click()
    page.goto(f"{live_store}/cart")
    page.get_by_role("button", name="Begin checkout").click()

    expect(page).to_have_url(re.compile(r"/checkout/waiting/\d+-[0-9a-f]{32}$"))
    expect(page.locator("[data-test=position]")).to_have_text("2")
    expect(page.locator("[data-test=wait]")).to_have_text(re.compile(r"^about \d+ seconds?$"))
    page.screenshot(path=str(output_dir / "waiting.png"), full_page=True)
    waiting_url = page.url

    def give_up(shopper, ticket) -> None:
        """The shopper is let in, holds the unit, then cancels: the next is let in."""
        checkout = api.post(begin, data={**cart, "ticketID": ticket}, headers=shopper.headers)
        assert checkout.status == 201, checkout.text()
        cancelled = api.post(
            f"{live_store}/api/v1/checkout?op=CANCEL",
            data={"checkoutID": checkout.json()["checkoutID"]},
            headers=shopper.headers,
        )
        assert cancelled.ok

    give_up(ahead, place["ticketID"])  # the second is let in: this page moves up, in place
    expect(page.locator("[data-test=position]")).to_have_text("1", timeout=30_000)
    assert page.url == waiting_url
    for _ in range(300):
        if (
            api.get(live_store + second["statusURL"], headers=behind.headers).json()["status"]
            == "ADMITTED"
        ):
            break
        page.wait_for_timeout(100)
    give_up(behind, second["ticketID"])

    expect(page).to_have_url(re.compile(r"/checkout/[0-9a-f]{32}$"), timeout=30_000)
    # Live over the ticket's stream: the waiting part was fetched again only when the
    # status changed (it used to poll every second).
    ticket_path = waiting_url.removeprefix(live_store)
    assert live_store + ticket_path + "/events" in requested
    assert requested.count(live_store + ticket_path + "/status") == 1, requested
    expect(page.locator("[data-test=checkout-line]")).to_contain_text(f"Console {item}")
    page.screenshot(path=str(output_dir / "admitted-checkout.png"), full_page=True)
    api.put(f"{live_store}/api/v1/items/{item}/hot", data={"enabled": False}, headers=staff.headers)
    checkout_worker.end_checkouts(stack_settings.task_queue)
    assert_invariants()
