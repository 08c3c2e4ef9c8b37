"""The cart in the browser: add from the item page or a search result, change, remove,
all as htmx fragments; the header badge follows; refusals say why and change nothing.

On the fakes (tests/fakes/shop.py): the cart store keeps db/postgres/carts.py's rules (its
contract test is tests/web/test_cart_contract.py). The item page itself reads
PostgreSQL, so its add form is checked in tests/web/test_cart_stack.py."""

from __future__ import annotations

import re
from html import unescape

import pytest

from tests.web.shoppers import HTMX

pytestmark = pytest.mark.web


@pytest.fixture
def client(fake_shop):
    return fake_shop.app.test_client()


@pytest.fixture
def shopper(fake_shop, client):
    return fake_shop.shopper(client=client)


PLENTY = 12  # "Budget Earbuds": 100 in stock, $9.99
THREE_LEFT = 2  # "Wireless Noise Cancelling Headphones": 3 in stock, $249.99
SOLD_OUT = 4


def html(response) -> str:
    return unescape(response.get_data(as_text=True))


def lines(page: str) -> dict[int, int]:
    """{item id: quantity} from the cart page or fragment."""
    found = re.findall(r'data-item-id="(\d+)".*?name="quantity" value="(\d+)"', page, flags=re.S)
    return {int(item): int(qty) for item, qty in found}


def badge_count(page: str) -> str:
    match = re.search(r'data-test="cart-count">([^<]*)<', page)
    assert match, "no cart badge"
    return match.group(1)


def test_adding_from_the_item_page_answers_the_box_in_place_and_triggers_the_badge(shopper):
    response = shopper.post("/cart/add", {"item_id": PLENTY, "quantity": 2}, htmx=True)

    page = html(response)
    assert response.status_code == 200
    assert page.lstrip().startswith('<form id="add-to-cart"') and "<html" not in page
    assert "Added 2 to your cart (2 in total)." in page
    assert response.headers["HX-Trigger"] == "cart-changed"
    assert response.headers["Cache-Control"] == "private, no-store"


def test_the_header_badge_counts_units_and_refreshes_itself_on_cart_changed(client, shopper):
    shopper.post("/cart/add", {"item_id": PLENTY, "quantity": 2}, htmx=True)
    shopper.post("/cart/add", {"item_id": 1, "quantity": 1}, htmx=True)

    home = html(client.get("/"))
    badge = client.get("/cart/badge", headers=HTMX)

    assert badge_count(home) == "3"
    assert 'hx-get="/cart/badge" hx-trigger="cart-changed from:body"' in home
    assert badge.status_code == 200
    assert html(badge).lstrip().startswith('<a id="cart-badge"')
    assert badge_count(html(badge)) == "3"
    assert badge.headers["Cache-Control"] == "private, no-store"


def test_an_anonymous_visitor_sees_an_empty_badge_and_sign_in_links(client):
    page = html(client.get("/"))

    assert badge_count(page) == "0"
    assert ">Sign in<" in page and ">Register<" in page
    assert badge_count(html(client.get("/cart/badge"))) == "0"


def test_without_javascript_adding_goes_to_the_cart_page(client, shopper):
    response = shopper.post("/cart/add", {"item_id": PLENTY, "quantity": 3})

    assert response.status_code == 303 and response.headers["Location"] == "/cart"
    page = html(client.get("/cart"))
    assert page.lstrip().startswith("<!doctype html>")
    assert lines(page) == {PLENTY: 3}
    assert "Budget Earbuds" in page and "$9.99" in page and "$29.97" in page


def test_asking_for_more_than_is_left_says_only_n_left_and_changes_nothing(client, shopper):
    response = shopper.post("/cart/add", {"item_id": THREE_LEFT, "quantity": 5}, htmx=True)

    assert response.status_code == 409
    assert "Only 3 left." in html(response)
    assert "HX-Trigger" not in response.headers
    assert lines(html(client.get("/cart"))) == {}


def test_without_javascript_a_refusal_shows_the_item_page_with_the_reason(shopper):
    response = shopper.post("/cart/add", {"item_id": SOLD_OUT, "quantity": 1})

    page = html(response)
    assert response.status_code == 409
    assert "<html" in page and "Sorry, this item is out of stock." in page


@pytest.mark.parametrize("quantity", ["", "abc", "-1", "1.5", "0", "101", "9999999999"])
def test_a_bad_quantity_in_the_add_box_is_a_400_with_a_message(client, shopper, quantity):
    response = shopper.post("/cart/add", {"item_id": PLENTY, "quantity": quantity}, htmx=True)

    assert response.status_code == 400
    assert 'data-test="cart-message"' in html(response)
    assert lines(html(client.get("/cart"))) == {}


def test_adding_an_unknown_item_is_a_404(shopper):
    assert shopper.post("/cart/add", {"item_id": 999_999, "quantity": 1}).status_code == 404
    assert shopper.post("/cart/add", {"item_id": "abc", "quantity": 1}).status_code == 400


def test_the_cart_page_is_a_whole_page_and_the_cart_a_fragment_for_htmx(client, shopper):
    shopper.post("/cart/add", {"item_id": PLENTY, "quantity": 2})

    full = client.get("/cart")
    fragment = client.get("/cart", headers=HTMX)

    assert full.status_code == 200 and "<html" in html(full)
    assert html(fragment).lstrip().startswith('<section id="cart"')
    assert "HX-Request" in fragment.headers["Vary"]
    assert full.headers["Cache-Control"] == "private, no-store"


def test_changing_a_quantity_swaps_the_cart_with_new_totals(shopper):
    shopper.post("/cart/add", {"item_id": PLENTY, "quantity": 2})
    shopper.post("/cart/add", {"item_id": 1, "quantity": 1})

    response = shopper.post(f"/cart/lines/{PLENTY}", {"quantity": 5}, htmx=True)

    page = html(response)
    assert response.status_code == 200 and response.headers["HX-Trigger"] == "cart-changed"
    assert page.lstrip().startswith('<section id="cart"')
    assert lines(page) == {1: 1, PLENTY: 5}
    assert "$49.95" in page  # 5 x $9.99
    assert re.search(r'data-test="cart-total">\$249\.94<', page)  # $199.99 + $49.95


def test_changing_a_quantity_beyond_the_stock_says_so_and_keeps_the_line(shopper):
    shopper.post("/cart/add", {"item_id": THREE_LEFT, "quantity": 2})

    response = shopper.post(f"/cart/lines/{THREE_LEFT}", {"quantity": 4}, htmx=True)

    page = html(response)
    assert response.status_code == 409
    assert "Only 3 left and you already have 2 in your cart." in page
    assert lines(page) == {THREE_LEFT: 2}


def test_a_quantity_of_zero_or_the_remove_button_takes_the_line_out(shopper):
    shopper.post("/cart/add", {"item_id": PLENTY, "quantity": 2})
    shopper.post("/cart/add", {"item_id": 1, "quantity": 1})

    zero = shopper.post(f"/cart/lines/{PLENTY}", {"quantity": 0}, htmx=True)
    removed = shopper.post("/cart/lines/1/remove", htmx=True)

    assert lines(html(zero)) == {1: 1}
    assert removed.headers["HX-Trigger"] == "cart-changed"
    assert 'data-test="cart-empty"' in html(removed)


def test_without_javascript_changes_redirect_back_to_the_cart(shopper):
    shopper.post("/cart/add", {"item_id": PLENTY, "quantity": 2})

    response = shopper.post(f"/cart/lines/{PLENTY}", {"quantity": 1})

    assert response.status_code == 303 and response.headers["Location"] == "/cart"


def test_a_bad_quantity_in_the_cart_is_a_400_and_keeps_the_line(shopper):
    shopper.post("/cart/add", {"item_id": PLENTY, "quantity": 2})

    response = shopper.post(f"/cart/lines/{PLENTY}", {"quantity": "lots"}, htmx=True)

    assert response.status_code == 400
    assert "whole number" in html(response)
    assert lines(html(response)) == {PLENTY: 2}


def test_sold_out_search_results_offer_no_add_button(client):
    results = html(client.get("/search", query_string={"query": "Wireless Sport Headphones"}))
    card = results.split("Wireless Sport Headphones", 1)[1].split("</li>", 1)[0]

    assert "Out of stock" in card and "card-add" not in card


def test_a_shopper_only_ever_sees_their_own_cart(fake_shop):
    ann = fake_shop.shopper()
    bob = fake_shop.shopper()

    ann.post("/cart/add", {"item_id": PLENTY, "quantity": 4})
    bob.post(f"/cart/lines/{PLENTY}", {"quantity": 0})
    bob.post(f"/cart/lines/{PLENTY}/remove")

    assert lines(html(ann.client.get("/cart"))) == {PLENTY: 4}
    assert lines(html(bob.client.get("/cart"))) == {}
    assert badge_count(html(bob.client.get("/cart/badge"))) == "0"
