"""The checkout pages on checkout's fakes: what each outcome looks like in the browser
(status, page or fragment), without servers. Journeys stay on the real stack
(test_checkout_pages.py, tests/e2e)."""

from __future__ import annotations

import re
from html import unescape
from types import SimpleNamespace

import pytest

from domain.checkout import CheckoutStatus
from domain.stock import Line
from payments.sandbox import APPROVED_CARD
from tests.fakes.checkout import CheckoutWorld
from tests.web.checkout_fast import CheckoutApi

pytestmark = pytest.mark.web

HTMX = {"HX-Request": "true"}

ADA, BOB = 1, 2


def form(number: str = APPROVED_CARD, **changes: str) -> dict[str, str]:
    values = {
        "card_number": number,
        "expiry": "12/39",
        "cvc": "123",
        "card_name": "Ada Shopper",
        "ship_name": "Ada Shopper",
        "line1": "1 Main St",
        "city": "Seattle",
        "postal_code": "98101",
        "country": "US",
    }
    return {**values, **changes}


CARD_FORM = form(expiry="12/34", line2="")


@pytest.fixture
def shop():
    api = CheckoutApi(CheckoutWorld({1: 5}))
    api.world.carts.carts[ADA] = [Line(1, 2)]
    return api


def begun(shop, browser, csrf) -> str:
    answer = browser.post("/checkout", headers=csrf)
    assert answer.status_code == 303, answer.get_data(as_text=True)[:300]
    return answer.headers["Location"].rsplit("/", 1)[-1]


def test_begin_moves_on_to_the_checkout_page_with_the_hold_counting_down(shop):
    browser, csrf = shop.browser(ADA)
    checkout_id = begun(shop, browser, csrf)
    page = browser.get(f"/checkout/{checkout_id}")

    assert page.status_code == 200
    countdown = re.search(r'data-test="countdown"[^>]*>(\d+):(\d\d)<', page.get_data(as_text=True))
    assert countdown is not None
    minutes, seconds = map(int, countdown.groups())
    assert 4 * 60 + 55 <= minutes * 60 + seconds <= 5 * 60  # production's five-minute hold
    assert shop.world.checkouts.stock == {1: 3}


def test_htmx_begin_answers_hx_redirect(shop):
    browser, csrf = shop.browser(ADA)
    answer = browser.post("/checkout", headers={**csrf, "HX-Request": "true"})

    assert answer.status_code == 200 and answer.headers["HX-Redirect"].startswith("/checkout/")


def test_a_card_number_too_short_re_shows_the_form_422_without_the_number(shop):
    browser, csrf = shop.browser(ADA)
    checkout_id = begun(shop, browser, csrf)
    answer = browser.post(
        f"/checkout/{checkout_id}/payment", data=form("42424242420"), headers=csrf
    )

    assert answer.status_code == 422
    assert "42424242420" not in answer.get_data(as_text=True)
    assert shop.world.vault.numbers == {}


def test_paying_places_the_order_and_goes_to_it(shop):
    browser, csrf = shop.browser(ADA)
    checkout_id = begun(shop, browser, csrf)
    answer = browser.post(f"/checkout/{checkout_id}/payment", data=form(), headers=csrf)

    assert answer.status_code == 303 and "/orders/" in answer.headers["Location"]
    assert shop.world.checkouts.state(ADA, checkout_id).status is CheckoutStatus.SUBMITTED


def test_cancel_while_the_order_is_being_placed_is_a_409_with_the_reason(shop):
    browser, csrf = shop.browser(ADA)
    checkout_id = begun(shop, browser, csrf)
    shop.world.checkouts.put_in(checkout_id, CheckoutStatus.SUBMITTING)
    answer = browser.post(f"/checkout/{checkout_id}/cancel", headers=csrf)

    assert answer.status_code == 409
    assert "already placed" in answer.get_data(as_text=True)
    assert shop.world.checkouts.stock == {1: 3}


def test_another_shoppers_checkout_page_is_a_404(shop):
    browser, csrf = shop.browser(ADA)
    checkout_id = begun(shop, browser, csrf)
    other, other_csrf = shop.browser(BOB)

    assert other.get(f"/checkout/{checkout_id}").status_code == 404
    assert other.post(f"/checkout/{checkout_id}/cancel", headers=other_csrf).status_code == 404
    assert shop.world.checkouts.state(ADA, checkout_id).status is CheckoutStatus.RESERVED


def test_an_expired_checkout_page_says_the_hold_expired(shop):
    browser, csrf = shop.browser(ADA)
    checkout_id = begun(shop, browser, csrf)
    shop.world.clock.advance(301)
    page = browser.get(f"/checkout/{checkout_id}")

    assert page.status_code == 200
    assert "expired" in page.get_data(as_text=True)


def test_checkout_pages_need_a_signed_in_shopper(shop):
    anonymous = shop.app.test_client()

    page = anonymous.get("/checkout/" + "a" * 32)

    assert page.status_code == 303 and page.headers["Location"].startswith("/login")


def html(response) -> str:
    return unescape(response.get_data(as_text=True))


def fast_browser(shop) -> SimpleNamespace:
    """ADA's browser with the calls of test_checkout_pages.py: `post(path, data, htmx=)`
    sends the CSRF header the page would."""
    client, csrf = shop.browser(ADA)

    def post(path: str, data: dict | None = None, *, htmx: bool = False):
        return client.post(path, data=data or {}, headers={**csrf, **(HTMX if htmx else {})})

    return SimpleNamespace(client=client, post=post)


def begin_in_browser(browser) -> str:
    """Press "Begin checkout" (htmx): the checkout page's path."""
    begun = browser.post("/checkout", htmx=True)
    assert begun.status_code == 200, html(begun)
    return begun.headers["HX-Redirect"]


def test_the_checkout_page_and_payment_form_come_as_fragments_for_htmx(shop):
    browser = fast_browser(shop)  # ADA, with two of item 1 in the cart
    path = begin_in_browser(browser)

    section = browser.client.get(path, headers=HTMX)
    form_page = browser.client.get(path + "/payment")
    form = browser.client.get(path + "/payment", headers=HTMX)

    assert html(section).lstrip().startswith('<section id="checkout"') and "<html" not in html(
        section
    )
    assert 'hx-trigger="hold-expired"' in html(section)
    assert html(form_page).startswith("<!doctype html>") and 'id="payment-form"' in html(form_page)
    assert html(form).lstrip().startswith('<form id="payment-form"') and "<html" not in html(form)
    assert "HX-Request" in section.headers["Vary"]


def test_paying_without_javascript_redirects_to_the_order_page(shop):
    browser = fast_browser(shop)  # ADA, with two of item 1 in the cart
    path = begin_in_browser(browser)

    paid = browser.post(path + "/payment", {**CARD_FORM, "card_number": "4242424242424242"})

    assert paid.status_code == 303
    assert paid.headers["Location"].startswith("/orders/")
    assert browser.client.get(path).status_code == 303  # a placed checkout shows its order


def test_a_card_number_that_fails_luhn_is_refused_with_a_message_and_the_form_kept(shop):
    browser = fast_browser(shop)  # ADA, with two of item 1 in the cart
    path = begin_in_browser(browser)

    refused = browser.post(
        path + "/payment", {**CARD_FORM, "card_number": "4242424242424241"}, htmx=True
    )

    page = html(refused)
    assert refused.status_code == 422
    assert "The card number is not valid" in page
    assert "4242424242424241" not in page
    assert 'value="Ada Shopper"' in page and 'value="12/34"' in page
