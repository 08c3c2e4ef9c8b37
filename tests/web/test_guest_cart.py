"""A signed-out visitor fills a cart like anyone else; signing in keeps it.

On the fakes (tests/fakes/shop.py): the guest's lines live in the session cookie
(web/cart/guest.py) under the cart's own rules, and move into the shopper's stored
cart at sign-in or registration, capped by the limit per line and the stock, with a
message that says what was capped and why (docs/shopper.md, "The cart")."""

from __future__ import annotations

import re
from html import unescape

import pytest

from tests.web.shoppers import HTMX, PASSWORD, csrf_token_of, new_email, post_form
from web.cart.guest import SESSION_KEY

pytestmark = pytest.mark.web

PLENTY = 12  # "Budget Earbuds": 100 in stock
THREE_LEFT = 2  # "Wireless Noise Cancelling Headphones": 3 in stock
SOLD_OUT = 4


@pytest.fixture
def visitor(fake_shop):
    return fake_shop.app.test_client()


def html(response) -> str:
    return unescape(response.get_data(as_text=True))


def lines(page: str) -> dict[int, int]:
    found = re.findall(r'data-item-id="(\d+)".*?name="quantity" value="(\d+)"', page, flags=re.S)
    return {int(item): int(qty) for item, qty in found}


def badge_count(page: str) -> str:
    match = re.search(r'data-test="cart-count">([^<]*)<', page)
    assert match, "no cart badge"
    return match.group(1)


def add(client, item_id: int, quantity: int, *, htmx: bool = True):
    return post_form(client, "/cart/add", {"item_id": item_id, "quantity": quantity}, htmx=htmx)


def sign_in(fake_shop, client, *, next_url: str = "/cart"):
    user = fake_shop.new_user(password=PASSWORD)
    response = post_form(
        client, "/login", {"email": user.email, "password": PASSWORD, "next": next_url}
    )
    assert response.status_code == 303, html(response)
    return user, response


def test_a_signed_out_visitor_adds_to_the_cart_and_sees_it(visitor):
    response = add(visitor, PLENTY, 2)

    assert response.status_code == 200
    assert "Added 2 to your cart (2 in total)." in html(response)
    assert response.headers["HX-Trigger"] == "cart-changed"
    page = html(visitor.get("/cart"))
    assert lines(page) == {PLENTY: 2}
    assert badge_count(page) == "2"
    assert 'data-test="sign-in-to-check-out"' in page and "Begin checkout" not in page


def test_without_javascript_a_visitors_add_goes_to_the_cart_page(visitor):
    response = add(visitor, PLENTY, 1, htmx=False)

    assert response.status_code == 303 and response.headers["Location"] == "/cart"


def test_a_visitors_cart_keeps_the_same_rules_as_a_shoppers(visitor):
    assert add(visitor, THREE_LEFT, 4).status_code == 409
    assert add(visitor, SOLD_OUT, 1).status_code == 409
    assert add(visitor, PLENTY, 11).status_code == 409  # the limit per line is 10
    assert add(visitor, 999_999, 1).status_code == 404
    assert lines(html(visitor.get("/cart"))) == {}


def test_a_visitor_changes_and_removes_lines(visitor):
    add(visitor, PLENTY, 2)
    add(visitor, 1, 1)
    token = csrf_token_of(visitor)

    changed = visitor.post(
        f"/cart/lines/{PLENTY}", data={"quantity": 5}, headers={**HTMX, "X-CSRF-Token": token}
    )
    removed = visitor.post("/cart/lines/1/remove", headers={**HTMX, "X-CSRF-Token": token})

    assert lines(html(changed)) == {1: 1, PLENTY: 5}
    assert lines(html(removed)) == {PLENTY: 5}


def test_a_visitors_change_without_the_csrf_token_is_refused(visitor):
    visitor.get("/")
    response = visitor.post("/cart/add", data={"item_id": PLENTY, "quantity": 1})

    assert response.status_code in (400, 403)
    assert lines(html(visitor.get("/cart"))) == {}


def test_signing_in_moves_the_visitors_cart_into_the_shoppers_cart(fake_shop, visitor):
    add(visitor, PLENTY, 2)
    add(visitor, 1, 1)

    user, response = sign_in(fake_shop, visitor)

    assert response.headers["Location"] == "/cart"
    assert fake_shop.carts.lines[user.id] == {PLENTY: 2, 1: 1}
    page = html(visitor.get("/cart"))
    assert lines(page) == {1: 1, PLENTY: 2}
    assert "We added what you put in your cart before signing in." in page
    assert "Begin checkout" in page
    with visitor.session_transaction() as session:
        assert SESSION_KEY not in session  # moved, not copied: a sign-out shows no ghost cart


def test_the_moved_lines_add_to_what_the_shopper_already_had(fake_shop, visitor):
    user = fake_shop.new_user(password=PASSWORD)
    fake_shop.carts.lines[user.id] = {PLENTY: 3}
    add(visitor, PLENTY, 4)

    post_form(visitor, "/login", {"email": user.email, "password": PASSWORD})

    assert fake_shop.carts.lines[user.id] == {PLENTY: 7}


def test_a_moved_line_is_capped_by_the_limit_per_line_and_says_so(fake_shop, visitor):
    user = fake_shop.new_user(password=PASSWORD)
    fake_shop.carts.lines[user.id] = {PLENTY: 8}
    add(visitor, PLENTY, 5)

    post_form(visitor, "/login", {"email": user.email, "password": PASSWORD, "next": "/cart"})

    assert fake_shop.carts.lines[user.id] == {PLENTY: 10}
    page = html(visitor.get("/cart"))
    assert "Budget Earbuds: you have 10, not 13. Limit 10 per order" in page


def test_a_moved_line_is_capped_by_the_stock_left_and_says_so(fake_shop, visitor):
    user = fake_shop.new_user(password=PASSWORD)
    fake_shop.carts.lines[user.id] = {THREE_LEFT: 2}
    add(visitor, THREE_LEFT, 2)

    post_form(visitor, "/login", {"email": user.email, "password": PASSWORD, "next": "/cart"})

    assert fake_shop.carts.lines[user.id] == {THREE_LEFT: 3}
    assert "you have 3, not 4. Only 3 left." in html(visitor.get("/cart"))


def test_registering_keeps_the_visitors_cart_too(fake_shop, visitor):
    add(visitor, PLENTY, 2)

    response = post_form(visitor, "/register", {"email": new_email(), "password": PASSWORD})

    assert response.status_code == 303
    assert lines(html(visitor.get("/cart"))) == {PLENTY: 2}


def test_signing_in_with_an_empty_visitor_cart_says_nothing_about_carts(fake_shop, visitor):
    sign_in(fake_shop, visitor, next_url="/")

    assert 'data-test="notices"' not in html(visitor.get("/"))
