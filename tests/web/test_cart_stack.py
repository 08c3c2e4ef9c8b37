"""The cart on the real stack: what only PostgreSQL can show (the cart row's lock under
concurrent adds) and the item page's add form, which reads the item from PostgreSQL.
Everything else about the cart runs on the fakes (test_cart_api.py, test_cart_pages.py)."""

from __future__ import annotations

import threading
from html import unescape

import pytest

from tests.web.cart_ids import PLENTY, THREE_LEFT

pytestmark = [pytest.mark.web, pytest.mark.integration]


def html(response) -> str:
    return unescape(response.get_data(as_text=True))


def cart(client, headers) -> dict:
    response = client.get("/api/v1/cart", headers=headers)
    assert response.status_code == 200
    return response.get_json()


def test_the_item_page_has_an_add_to_cart_form_with_a_quantity(client):
    page = html(client.get("/items/1"))

    assert 'id="add-to-cart"' in page and 'hx-post="/cart/add"' in page
    assert 'name="quantity" value="1" min="1" max="100"' in page
    assert 'name="item_id" value="1"' in page and 'name="csrf_token"' in page
    # The limit per line the cart and checkout enforce (MAX_HELD_UNITS_PER_ITEM; the test
    # settings raise it to 100), stated before anyone tries more.
    assert "Limit 100 per order" in page


def test_concurrent_adds_to_the_same_line_all_count(app, client, api_headers):
    threads_count, per_thread = 8, 3
    barrier = threading.Barrier(threads_count)
    statuses: list[int] = []

    def shopper_tab() -> None:
        tab = app.test_client()
        barrier.wait()
        for _ in range(per_thread):
            response = tab.patch(
                "/api/v1/cart?op=ADD", json={"itemID": PLENTY, "quantity": 1}, headers=api_headers
            )
            statuses.append(response.status_code)

    threads = [threading.Thread(target=shopper_tab) for _ in range(threads_count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    assert statuses == [200] * (threads_count * per_thread)
    assert cart(client, api_headers)["items"][0]["quantity"] == threads_count * per_thread


def test_concurrent_adds_never_push_a_line_past_the_stock(app, client, api_headers):
    barrier = threading.Barrier(6)
    statuses: list[int] = []

    def shopper_tab() -> None:
        tab = app.test_client()
        barrier.wait()
        response = tab.patch(
            "/api/v1/cart?op=ADD", json={"itemID": THREE_LEFT, "quantity": 1}, headers=api_headers
        )
        statuses.append(response.status_code)

    threads = [threading.Thread(target=shopper_tab) for _ in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    assert sorted(statuses) == [200, 200, 200, 409, 409, 409]
    assert cart(client, api_headers)["items"][0]["quantity"] == 3


# A signed-in shopper's search is remembered in Redis for their recommendations.
def test_search_results_have_a_one_click_add_that_answers_in_place(client, shopper):
    results = html(client.get("/search", query_string={"query": "earbuds"}))
    assert 'hx-params="item_id,quantity,compact"' in results

    response = shopper.post(
        "/cart/add", {"item_id": PLENTY, "quantity": 1, "compact": "1"}, htmx=True
    )

    page = html(response)
    assert response.status_code == 200
    assert page.lstrip().startswith('<div class="card-add">')
    assert "Added · 1 in cart" in page and response.headers["HX-Trigger"] == "cart-changed"
