"""Reviews on the real stack: a shopper whose parcel was delivered reviews the item, the
item's count and average follow at once in PostgreSQL and, through the stock relay's
rating outbox, in the search index; a second review is a 409 and a shopper who never
received the item a 403. "Sort by rating" puts unreviewed items last."""

from __future__ import annotations

import psycopg
import pytest
from sqlalchemy import select

from db.redis.stock_relay import StockRelay, libpq_url
from db.search.index import SearchIndex, make_typesense_client
from domain.reviews import summarise
from tests.web.catalogue import BY_ID
from tests.web.shoppers import api_token

pytestmark = [pytest.mark.web, pytest.mark.integration]

# Items no other test searches for: the web database is shared by the whole session.
DUFFEL, HEADLAMP = 27, 41  # Weekend Duffel Bag (4.1 from ten demo reviews), Headlamp
REVIEW = {"rating": 1, "title": "Strap tore", "text": "The strap tore on the second trip."}


@pytest.fixture
def sessions(app):
    return app.extensions["shopflow"].sessions


@pytest.fixture
def deliver(sessions):
    from tests.web.contract_worlds import deliver_maker

    return deliver_maker(sessions)


def shopper_id(sessions, email: str) -> int:
    from db.postgres.models import User

    with sessions() as session:
        return session.scalar(select(User.id).where(User.email == email))


def relay_ratings(settings) -> int:
    """One pass of the relay's rating outbox (what `shopflow stock-relay` runs on every wake)."""
    index = SearchIndex(make_typesense_client(settings), settings.typesense_collection)
    relay = StockRelay(settings.database_url, publisher=None, search_index=index)  # type: ignore[arg-type]
    with psycopg.connect(libpq_url(settings.database_url), autocommit=True) as conn:
        return relay.sync_ratings(conn)


def hit(client, item_id: int) -> dict:
    name = BY_ID[item_id].name
    found = client.get("/api/v1/items", query_string={"query": name, "limit": 5}).get_json()
    return next(h for h in found["items"] if h["itemID"] == item_id)


def test_a_delivered_item_takes_one_review_and_its_count_and_average_follow_everywhere(
    client, sessions, deliver, web_settings
):
    email, headers = api_token(client)
    deliver(shopper_id(sessions, email), DUFFEL, True)
    before = client.get(f"/api/v1/items/{DUFFEL}").get_json()

    created = client.post(f"/api/v1/items/{DUFFEL}/reviews", json=REVIEW, headers=headers)

    assert created.status_code == 201, created.get_json()
    item = client.get(f"/api/v1/items/{DUFFEL}").get_json()
    assert item["reviewCount"] == before["reviewCount"] + 1
    assert item["rating"] < before["rating"]  # one star pulls the average down
    listed = client.get(f"/api/v1/items/{DUFFEL}/reviews").get_json()
    assert listed["reviews"][0]["title"] == "Strap tore"
    assert (listed["rating"], listed["reviewCount"]) == (item["rating"], item["reviewCount"])

    assert relay_ratings(web_settings) >= 1
    searched = hit(client, DUFFEL)
    assert (searched["rating"], searched["reviewCount"]) == (item["rating"], item["reviewCount"])

    again = client.post(f"/api/v1/items/{DUFFEL}/reviews", json=REVIEW, headers=headers)
    assert again.status_code == 409 and again.get_json()["error"]["code"] == "already_reviewed"
    assert client.get(f"/api/v1/items/{DUFFEL}").get_json()["reviewCount"] == item["reviewCount"]


def test_a_shopper_who_never_received_the_item_is_refused(client, sessions, deliver):
    email, headers = api_token(client)
    deliver(shopper_id(sessions, email), HEADLAMP, False)  # ordered, not delivered yet
    before = client.get(f"/api/v1/items/{HEADLAMP}").get_json()["reviewCount"]

    refused = client.post(f"/api/v1/items/{HEADLAMP}/reviews", json=REVIEW, headers=headers)

    assert refused.status_code == 403 and refused.get_json()["error"]["code"] == "not_received"
    assert client.get(f"/api/v1/items/{HEADLAMP}").get_json()["reviewCount"] == before
    assert (
        client.post("/api/v1/items/999999/reviews", json=REVIEW, headers=headers).status_code == 404
    )


def test_sort_by_rating_orders_by_the_reviews_average_and_puts_unreviewed_items_last(client):
    found = client.get("/api/v1/items", query_string={"sort": "rating", "limit": 100}).get_json()
    ratings = [h["rating"] for h in found["items"]]
    rated = [r for r in ratings if r is not None]
    assert ratings == rated + [None] * (len(ratings) - len(rated)) and len(rated) < len(ratings)
    assert rated == sorted(rated, reverse=True)
    unreviewed = found["items"][-1]
    assert unreviewed["reviewCount"] == 0
    page = client.get(f"/items/{unreviewed['itemID']}").get_data(as_text=True)
    assert "No reviews yet" in page


def test_reviews_written_at_the_same_moment_all_count_in_the_average(
    client, app, sessions, deliver
):
    import threading

    from sqlalchemy import text

    item, shoppers = 33, 6  # Weeknight Dinners Cookbook: no other test reviews it
    tokens = []
    for _ in range(shoppers):
        email, headers = api_token(client)
        deliver(shopper_id(sessions, email), item, True)
        tokens.append(headers)
    barrier, statuses = threading.Barrier(shoppers), []

    def review(headers: dict, stars: int) -> None:
        tab = app.test_client()
        barrier.wait()
        answer = tab.post(
            f"/api/v1/items/{item}/reviews", json=REVIEW | {"rating": stars}, headers=headers
        )
        statuses.append(answer.status_code)

    threads = [
        threading.Thread(target=review, args=(headers, 1 + n % 5))
        for n, headers in enumerate(tokens)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    assert statuses == [201] * shoppers
    with sessions() as session:
        count, total = session.execute(
            text("SELECT count(*), sum(rating) FROM reviews WHERE item_id = :i"), {"i": item}
        ).one()
    item_json = client.get(f"/api/v1/items/{item}").get_json()
    assert item_json["reviewCount"] == count
    assert item_json["rating"] == summarise(int(total), count).as_float


def test_the_relay_pushes_queued_ratings_and_keeps_one_that_changed_while_it_pushed(
    sessions, web_settings
):
    from sqlalchemy import text

    from db.postgres.reviews import queue_for_search

    items = [1, 2, 3]  # their stored ratings are the catalogue's: pushing them changes nothing
    index = SearchIndex(make_typesense_client(web_settings), web_settings.typesense_collection)

    class ReviewedDuringThePush:
        """The real index; item 1 gets a new review while its old rating is on the way."""

        def set_ratings_many(self, ratings):
            if 1 in ratings:
                with sessions.begin() as session:
                    queue_for_search(session, [1])
            return index.set_ratings_many(ratings)

    relay = StockRelay(web_settings.database_url, None, ReviewedDuringThePush(), batch_size=2)  # type: ignore[arg-type]
    with psycopg.connect(libpq_url(web_settings.database_url), autocommit=True) as conn:
        while relay.sync_ratings(conn):  # what other tests queued goes first
            pass
        with sessions.begin() as session:
            queue_for_search(session, items)
        first = relay.sync_ratings(conn)  # 1 and 2; 1 is queued again meanwhile
        left = conn.execute(
            "SELECT item_id FROM rating_search_pending WHERE item_id = ANY(%s) ORDER BY item_id",
            (items,),
        ).fetchall()
    assert first == 2 and left == [(1,), (3,)]
    with sessions() as session:
        stored = session.execute(text("SELECT rating, review_count FROM items WHERE id = 2")).one()
    document = index.client.collections[index.alias].documents["2"].retrieve()
    assert (document["rating"], document["review_count"]) == (
        stored.rating or 0.0,
        stored.review_count,
    )
