"""Recommendations: a shopper who searched sees items from those searches, one who bought
sees what others bought with it; never another shopper's searches, never an item out of
stock or just bought; popular items for everyone else; still there with Typesense down.
Orders are written straight into PostgreSQL: the co-purchase trigger counts them."""

from __future__ import annotations

import re
import uuid
from dataclasses import replace
from html import unescape

import pytest
from sqlalchemy import text

from stack.ports import free_port
from tests.web import catalogue
from tests.web.shoppers import HTMX, api_token, register_in_browser

pytestmark = [pytest.mark.web, pytest.mark.integration]

NAMES = {item.name: item.id for item in catalogue.ITEMS}
TOASTER = NAMES["Two-Slice Toaster"]
KNIFE = NAMES["Chef Knife 8 inch"]
KETTLE = NAMES["Electric Kettle 1.7L"]
SOLD_OUT_KETTLE = NAMES["Glass Electric Kettle"]
SOLD_OUT_TOASTER = NAMES["Four-Slice Toaster"]
IN_STOCK = {item.id for item in catalogue.ITEMS if item.total_stock > 0}


@pytest.fixture(scope="module")
def engine(web_settings, web_catalogue):
    from db.postgres.engine import make_engine

    eng = make_engine(web_settings.database_url, pool_size=1)
    yield eng
    eng.dispose()


def place_order(engine, email: str, item_ids: list[int]) -> None:
    """An order as the checkout writes it: one INSERT of the order, one of its lines."""
    order_id = uuid.uuid4().hex
    with engine.begin() as conn:
        user_id = conn.execute(text("SELECT id FROM users WHERE email = :e"), {"e": email}).scalar()
        if user_id is None:
            user_id = conn.execute(
                text(
                    "INSERT INTO users (email, password_hash, role) VALUES (:e, 'x', 'shopper') RETURNING id"
                ),
                {"e": email},
            ).scalar_one()
        conn.execute(
            text(
                "INSERT INTO orders (id, user_id, checkout_id, total, ordered_at, status,"
                " shipping_address, payment_reference, timeline)"
                " VALUES (:id, :u, :id, 100, now(), 'PENDING', '{}', 'ch_test', '[]')"
            ),
            {"id": order_id, "u": user_id},
        )
        conn.execute(
            text(
                "INSERT INTO order_lines (order_id, item_id, quantity, unit_price, name)"
                " SELECT :id, unnest(CAST(:items AS bigint[])), 1, 100, 'x'"
            ),
            {"id": order_id, "items": item_ids},
        )


def co_purchases(engine, item_id: int) -> dict[int, int]:
    with engine.connect() as conn:
        rows = conn.execute(
            text("SELECT other_item_id, orders FROM co_purchases WHERE item_id = :i"),
            {"i": item_id},
        )
        return {row.other_item_id: row.orders for row in rows}


def recommendations(client, headers=None, **params) -> list[dict]:
    response = client.get("/api/v1/recommendations", headers=headers or {}, query_string=params)
    assert response.status_code == 200, response.get_json()
    assert response.headers["Cache-Control"] == "private, no-store"
    return response.get_json()["items"]


def test_placing_an_order_counts_each_pair_of_its_items_once_both_ways(engine):
    a, b, c = NAMES["Paring Knife Set"], NAMES["Budget Earbuds"], NAMES["Bookshelf Speaker Pair"]
    before = co_purchases(engine, a)
    place_order(engine, f"pairs-{uuid.uuid4().hex[:8]}@example.com", [a, b, c])
    place_order(engine, f"pairs-{uuid.uuid4().hex[:8]}@example.com", [a, b])

    after = co_purchases(engine, a)
    assert after.get(b, 0) - before.get(b, 0) == 2
    assert after.get(c, 0) - before.get(c, 0) == 1
    assert co_purchases(engine, c).get(a, 0) >= 1


def test_an_anonymous_shopper_gets_popular_items_in_stock(client):
    items = recommendations(client, limit=20)
    assert items, "popular items are never empty while anything is in stock"
    assert {item["reason"] for item in items} == {"popular"}
    assert all(item["inStock"] for item in items)
    assert {item["itemID"] for item in items} <= IN_STOCK
    assert set(items[0]) == {"itemID", "name", "price", "inStock", "reason"}


def test_a_shopper_who_searched_is_recommended_items_from_that_search_never_sold_out(
    client, api_headers
):
    found = client.get("/api/v1/items", query_string={"query": "kettle"}, headers=api_headers)
    kettles = {hit["itemID"] for hit in found.get_json()["items"]}
    assert SOLD_OUT_KETTLE in kettles

    items = recommendations(client, api_headers, limit=10)

    from_search = {item["itemID"] for item in items if item["reason"] == "recent_search"}
    assert KETTLE in from_search
    assert from_search <= kettles
    assert SOLD_OUT_KETTLE not in {item["itemID"] for item in items}


def test_one_shoppers_searches_never_reach_another_shopper(client):
    _, kettle_fan = api_token(client)
    _, headphone_fan = api_token(client)
    client.get("/api/v1/items", query_string={"query": "kettle"}, headers=kettle_fan)
    found = client.get("/api/v1/items", query_string={"query": "headphones"}, headers=headphone_fan)
    headphones = {hit["itemID"] for hit in found.get_json()["items"]}

    theirs = recommendations(client, headphone_fan, limit=50)

    from_search = {item["itemID"] for item in theirs if item["reason"] == "recent_search"}
    assert from_search and from_search <= headphones
    assert KETTLE not in from_search


def test_a_shopper_who_bought_sees_what_others_bought_with_it_but_not_what_they_bought(
    client, engine
):
    place_order(engine, f"o-{uuid.uuid4().hex[:8]}@x.com", [TOASTER, KNIFE])
    email, headers = api_token(client)
    place_order(engine, email, [TOASTER])

    items = recommendations(client, headers, limit=10)

    ids = {item["itemID"]: item["reason"] for item in items}
    assert ids.get(KNIFE) == "bought_together"
    assert TOASTER not in ids  # just bought


def test_the_item_page_shows_frequently_bought_together_after_the_page(client, engine):
    place_order(engine, f"t-{uuid.uuid4().hex[:8]}@x.com", [TOASTER, KNIFE, SOLD_OUT_TOASTER])
    page = unescape(client.get(f"/items/{TOASTER}").get_data(as_text=True))
    assert f'hx-get="/items/{TOASTER}/bought-together"' in page

    shelf = unescape(
        client.get(f"/items/{TOASTER}/bought-together", headers=HTMX).get_data(as_text=True)
    )
    assert shelf.lstrip().startswith('<section id="bought-together"')
    assert "Frequently bought together" in shelf and "Chef Knife 8 inch" in shelf
    assert "Four-Slice Toaster" not in shelf  # out of stock
    assert f'data-item-id="{TOASTER}"' not in shelf


def test_the_home_page_loads_its_shelf_after_the_page(client):
    home = client.get("/").get_data(as_text=True)
    assert 'hx-get="/recommendations"' in home and 'hx-trigger="load"' in home

    shelf = client.get("/recommendations", headers=HTMX)
    page = unescape(shelf.get_data(as_text=True))
    assert page.lstrip().startswith('<section id="recommendations"')
    assert "Popular right now" in page
    assert shelf.headers["Cache-Control"] == "private, no-store"


def test_a_signed_in_shopper_who_searched_in_the_browser_gets_recommended_for_you(client):
    register_in_browser(client)
    client.get("/search", query_string={"query": "kettle"})
    page = unescape(client.get("/recommendations", headers=HTMX).get_data(as_text=True))
    assert "Recommended for you" in page
    assert 'data-reason="recent_search"' in page and "Electric Kettle 1.7L" in page


def test_search_as_you_type_is_remembered_as_one_search(client):
    from tests.web.shoppers import PASSWORD, bearer, new_email

    email = new_email("typing")
    user_id = client.post(
        "/api/v1/auth/register", json={"email": email, "password": PASSWORD}
    ).get_json()["userID"]
    token = client.post("/api/v1/auth/token", json={"email": email, "password": PASSWORD})
    headers = bearer(token.get_json()["token"])
    for typed in ("ke", "kett", "kettle", "toaster"):
        client.get("/api/v1/items", query_string={"query": typed}, headers=headers)

    signals = client.application.extensions["shopflow"].recommendations.signals
    searches = signals.recent_searches(user_id)
    assert [search.query for search in searches] == ["toaster", "kettle"]
    assert KETTLE in searches[1].item_ids


def test_with_typesense_down_recommendations_still_answer(make_app, web_settings, client):
    _, headers = api_token(client)
    client.get("/api/v1/items", query_string={"query": "kettle"}, headers=headers)
    down = make_app(replace(web_settings, typesense_url=f"http://127.0.0.1:{free_port()}"))
    blind = down.test_client()

    assert blind.get("/api/v1/items", query_string={"query": "x"}).status_code == 503
    items = recommendations(blind, headers)
    assert KETTLE in {i["itemID"] for i in items if i["reason"] == "recent_search"}
    assert blind.get("/recommendations", headers=HTMX).status_code == 200


@pytest.mark.parametrize("limit", ["0", "51", "abc", "-3", "2.5"])
def test_a_bad_limit_is_a_400(client, limit):
    response = client.get("/api/v1/recommendations", query_string={"limit": limit})
    assert response.status_code == 400
    assert "limit" in response.get_json()["error"]["message"]


def test_the_limit_caps_the_answer(client):
    assert len(recommendations(client, limit="2")) == 2


def test_beside_a_signed_in_shoppers_search_a_row_names_their_other_searches(client):
    register_in_browser(client)
    client.get("/search", query_string={"query": "backpack"})
    results = client.get("/search", query_string={"query": "kettle"}).get_data(as_text=True)
    assert 'hx-get="/recommendations/search?query=kettle"' in results

    row = client.get("/recommendations/search", query_string={"query": "kettle"}, headers=HTMX)
    page = unescape(row.get_data(as_text=True))
    assert row.headers["Cache-Control"] == "private, no-store"
    assert "Because you searched for “backpack”" in page
    picked = {int(i) for i in re.findall(r'data-item-id="(\d+)"', page)}
    backpacks = {item.id for item in catalogue.ITEMS if "Backpack" in item.name}
    assert picked & backpacks and picked <= IN_STOCK
    assert KETTLE not in picked  # the search's own results are not repeated beside them
