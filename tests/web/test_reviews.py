"""A shopper who received an item reviews it, once, and may edit the review; everyone
sees the item's reviews newest first, its average and its count. On the fakes
(tests/fakes/reviews.py); tests/web/test_review_contract.py holds the fake to
PostgreSQL, tests/web/test_reviews_stack.py runs the journey on the real stack."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.web

KETTLE = 13  # tests/web/catalogue.py: Electric Kettle 1.7L, ten demo reviews averaging 4.5
GOOD = {"rating": 1, "title": "Leaks", "text": "Water on the counter every morning."}


@pytest.fixture
def client(fake_shop):
    return fake_shop.app.test_client()


@pytest.fixture
def buyer(fake_shop):
    """A shopper whose parcel with the kettle was delivered, and their API headers."""
    user = fake_shop.new_user()
    fake_shop.reviews.deliver(user.id, KETTLE)
    return user, fake_shop.api_headers(user)


def test_a_shopper_who_received_the_item_reviews_it_and_the_average_follows(client, buyer):
    _, headers = buyer
    created = client.post(f"/api/v1/items/{KETTLE}/reviews", json=GOOD, headers=headers)

    assert created.status_code == 201, created.get_json()
    review = created.get_json()
    assert (review["rating"], review["title"], review["demo"]) == (1, "Leaks", False)
    assert created.headers["Location"] == f"/api/v1/items/{KETTLE}/reviews/mine"
    listed = client.get(f"/api/v1/items/{KETTLE}/reviews").get_json()
    assert (listed["rating"], listed["reviewCount"]) == (4.2, 11)  # (45 + 1) / 11, half up
    assert listed["reviews"][0]["reviewID"] == review["reviewID"]  # newest first


def test_a_second_review_is_refused_and_the_first_can_be_edited(client, buyer):
    _, headers = buyer
    client.post(f"/api/v1/items/{KETTLE}/reviews", json=GOOD, headers=headers)

    again = client.post(f"/api/v1/items/{KETTLE}/reviews", json=GOOD, headers=headers)
    assert again.status_code == 409
    assert again.get_json()["error"]["code"] == "already_reviewed"

    edited = client.put(
        f"/api/v1/items/{KETTLE}/reviews/mine", json=GOOD | {"rating": 5}, headers=headers
    )
    assert edited.status_code == 200 and edited.get_json()["rating"] == 5
    mine = client.get(f"/api/v1/items/{KETTLE}/reviews/mine", headers=headers).get_json()
    assert mine["rating"] == 5
    listed = client.get(f"/api/v1/items/{KETTLE}/reviews").get_json()
    assert (listed["rating"], listed["reviewCount"]) == (4.5, 11)  # 50 / 11 = 4.545...


def test_only_a_shopper_whose_parcel_was_delivered_may_review(client, fake_shop):
    stranger = fake_shop.new_user()
    on_its_way = fake_shop.new_user()
    fake_shop.reviews.deliver(on_its_way.id, KETTLE, delivered=False)

    for user in (stranger, on_its_way):
        answer = client.post(
            f"/api/v1/items/{KETTLE}/reviews", json=GOOD, headers=fake_shop.api_headers(user)
        )
        assert answer.status_code == 403
        assert answer.get_json()["error"]["code"] == "not_received"
    assert client.get(f"/api/v1/items/{KETTLE}/reviews").get_json()["reviewCount"] == 10


def test_an_unknown_item_is_a_404_and_a_malformed_id_a_400(client, buyer):
    _, headers = buyer
    assert (
        client.post("/api/v1/items/999999/reviews", json=GOOD, headers=headers).status_code == 404
    )
    assert client.get("/api/v1/items/999999/reviews").status_code == 404
    assert client.get(f"/api/v1/items/{2**64}/reviews").status_code == 404
    assert client.get("/api/v1/items/kettle/reviews").status_code == 400
    mine = client.get(f"/api/v1/items/{KETTLE}/reviews/mine", headers=headers)
    assert mine.status_code == 404  # no review of theirs yet


@pytest.mark.parametrize(
    ("body", "fields"),
    [
        (GOOD | {"rating": 6}, {"rating"}),
        (GOOD | {"rating": "4"}, set()),  # a form's string is a number too
        (GOOD | {"rating": True}, {"rating"}),
        (GOOD | {"title": ""}, {"title"}),
        (GOOD | {"text": "x" * 4001}, {"text"}),
        ({"rating": 0}, {"rating", "title", "text"}),
    ],
)
def test_a_bad_review_gets_a_message_per_field_and_saves_nothing(client, buyer, body, fields):
    _, headers = buyer
    answer = client.post(f"/api/v1/items/{KETTLE}/reviews", json=body, headers=headers)
    if not fields:
        assert answer.status_code == 201
        return
    assert answer.status_code == 422
    error = answer.get_json()["error"]
    assert error["code"] == "invalid_review" and set(error["fields"]) == fields
    assert client.get(f"/api/v1/items/{KETTLE}/reviews").get_json()["reviewCount"] == 10


def test_a_body_that_is_not_a_json_object_is_a_400(client, buyer):
    _, headers = buyer
    answer = client.post(f"/api/v1/items/{KETTLE}/reviews", json=[1], headers=headers)
    assert answer.status_code == 400


def test_writing_a_review_needs_a_token(client):
    assert client.post(f"/api/v1/items/{KETTLE}/reviews", json=GOOD).status_code == 401


def test_the_reviews_come_newest_first(client):
    first = client.get(f"/api/v1/items/{KETTLE}/reviews").get_json()
    assert len(first["reviews"]) == 10 and first["nextCursor"] is None  # one page exactly
    instants = [r["createdAt"] for r in first["reviews"]]
    assert instants == sorted(instants, reverse=True)


def test_more_reviews_than_a_page_are_walked_once_each(client, fake_shop):
    for _ in range(3):
        user = fake_shop.new_user()
        fake_shop.reviews.deliver(user.id, KETTLE)
        headers = fake_shop.api_headers(user)
        assert (
            client.post(f"/api/v1/items/{KETTLE}/reviews", json=GOOD, headers=headers).status_code
            == 201
        )

    seen, cursor = [], None
    while True:
        query = f"?cursor={cursor}" if cursor else ""
        page = client.get(f"/api/v1/items/{KETTLE}/reviews{query}").get_json()
        seen += [r["reviewID"] for r in page["reviews"]]
        cursor = page["nextCursor"]
        if cursor is None:
            break
    assert len(seen) == len(set(seen)) == 13


def test_a_cursor_of_another_item_or_made_up_is_a_400(client, fake_shop):
    user = fake_shop.new_user()
    fake_shop.reviews.deliver(user.id, KETTLE)
    client.post(f"/api/v1/items/{KETTLE}/reviews", json=GOOD, headers=fake_shop.api_headers(user))
    cursor = client.get(f"/api/v1/items/{KETTLE}/reviews").get_json()["nextCursor"]
    assert cursor is not None
    assert client.get(f"/api/v1/items/12/reviews?cursor={cursor}").status_code == 400
    assert client.get(f"/api/v1/items/{KETTLE}/reviews?cursor=bogus").status_code == 400
    assert client.get(f"/api/v1/items/{KETTLE}/reviews?page=2").status_code == 400  # unknown


def test_the_item_page_shows_the_average_and_count_and_the_reviews_section(client):
    page = client.get(f"/items/{KETTLE}").get_data(as_text=True)
    assert "4.5 out of 5" in page and "(10 reviews)" in page
    section = client.get(f"/items/{KETTLE}/reviews", headers={"HX-Request": "true"})
    html = section.get_data(as_text=True)
    assert section.status_code == 200
    assert "4.5 out of 5 (10 reviews)" in html and html.count('data-test="review"') == 10
    assert "Demo review" in html and "Sign in" in html and "review-form" not in html


def test_a_shopper_who_received_it_reviews_it_on_the_item_page_then_edits_it(fake_shop):
    shopper = fake_shop.shopper()
    fake_shop.reviews.deliver(shopper.id, KETTLE)
    section = shopper.get(f"/items/{KETTLE}/reviews", htmx=True).get_data(as_text=True)
    assert "Write a review" in section

    posted = shopper.post(f"/items/{KETTLE}/reviews", GOOD, htmx=True)
    html = posted.get_data(as_text=True)
    assert posted.status_code == 200
    assert "(11 reviews)" in html and "Edit your review" in html and "Leaks" in html

    shopper.post(f"/items/{KETTLE}/reviews", GOOD | {"rating": 5}, htmx=True)
    assert fake_shop.reviews.own(shopper.id, KETTLE).rating == 5
    assert fake_shop.reviews.summary(KETTLE).count == 11


def test_the_page_form_says_what_is_wrong_and_refuses_a_stranger(fake_shop):
    shopper = fake_shop.shopper()
    fake_shop.reviews.deliver(shopper.id, KETTLE)
    bad = shopper.post(f"/items/{KETTLE}/reviews", GOOD | {"title": ""}, htmx=True)
    assert bad.status_code == 422 and "title must not be empty" in bad.get_data(as_text=True)

    stranger = fake_shop.shopper()
    section = stranger.get(f"/items/{KETTLE}/reviews", htmx=True).get_data(as_text=True)
    assert "review-form" not in section and "once you have received it" in section
    assert stranger.post(f"/items/{KETTLE}/reviews", GOOD, htmx=True).status_code == 403


def test_an_item_without_reviews_says_so(client, fake_shop):
    fake_shop.reviews.reviews.clear()
    listed = client.get(f"/api/v1/items/{KETTLE}/reviews").get_json()
    assert (listed["rating"], listed["reviewCount"], listed["reviews"]) == (None, 0, [])
    html = client.get(f"/items/{KETTLE}/reviews", headers={"HX-Request": "true"}).get_data(
        as_text=True
    )
    assert "No reviews yet" in html


def test_the_item_page_shows_ten_reviews_and_more_fetches_the_next_ones(fake_shop):
    client = fake_shop.app.test_client()
    for _ in range(3):
        user = fake_shop.new_user()
        fake_shop.reviews.deliver(user.id, KETTLE)
        headers = fake_shop.api_headers(user)
        assert (
            client.post(f"/api/v1/items/{KETTLE}/reviews", json=GOOD, headers=headers).status_code
            == 201
        )

    section = client.get(f"/items/{KETTLE}/reviews", headers={"HX-Request": "true"}).get_data(
        as_text=True
    )
    assert section.count('data-test="review"') == 10 and 'data-test="more-reviews"' in section
    more_url = section.split('data-test="more-reviews"')[0].rsplit('hx-get="', 1)[1].split('"')[0]
    more = client.get(more_url.replace("&amp;", "&"), headers={"HX-Request": "true"})
    html = more.get_data(as_text=True)
    assert more.status_code == 200 and html.count('data-test="review"') == 3
    assert "more-reviews" not in html and "<section" not in html  # only the next reviews
    assert client.get(f"/items/{KETTLE}/reviews?cursor=nonsense").status_code == 400


def test_search_cards_and_the_item_api_show_the_average_and_count_or_no_reviews_yet(client):
    cards = client.get("/search", query_string={"query": "bottle"}).get_data(as_text=True)
    assert "No reviews yet" in cards  # Insulated Water Bottle: no reviews in the catalogue
    cards = client.get("/search", query_string={"query": "electric kettle"}).get_data(as_text=True)
    assert "(10 reviews)" in cards and "4.5" in cards

    hits = client.get("/api/v1/items", query_string={"query": "bottle"}).get_json()["items"]
    assert (hits[0]["rating"], hits[0]["reviewCount"]) == (None, 0)
    item = client.get(f"/api/v1/items/{KETTLE}").get_json()
    assert (item["rating"], item["reviewCount"]) == (4.5, 10)
