"""The reviews' fake (tests/fakes/reviews.py) and its real adapter (web/reviews/adapters.py
over PostgreSQL, with the web catalogue and its demo reviews loaded) answer alike."""

from __future__ import annotations

import pytest

from db.postgres.reviews import AlreadyReviewed
from domain.reviews import Receipt, ReviewInput
from tests.web.catalogue import BY_ID

# Items no other test searches for: the web database is shared by the whole session.
KETTLE, TOASTER = 28, 39  # Gym Duffel Bag, Summer Sleeping Bag
LEAKS = ReviewInput(1, "Leaks", "Water on the counter every morning.")
FIXED = ReviewInput(5, "Fixed", "The replacement is perfect.")


@pytest.fixture(
    params=[
        pytest.param("fake", marks=pytest.mark.unit),
        pytest.param("real", marks=pytest.mark.integration),
    ]
)
def world(request):
    """(store, new_user, deliver(user, item, delivered))."""
    if request.param == "fake":
        from itertools import count

        from tests.fakes.reviews import FakeReviews

        store, ids = FakeReviews(), count(1)
        return store, lambda: next(ids), store.deliver_to
    from tests.web.contract_worlds import deliver_maker, real_sessions, user_maker
    from web.reviews.adapters import SqlReviews

    sessions = real_sessions(request)
    return SqlReviews(sessions), user_maker(sessions), deliver_maker(sessions)


def test_an_items_rating_starts_from_its_demo_reviews(world):
    store, _, _ = world
    kettle = BY_ID[KETTLE]
    summary = store.summary(KETTLE)
    assert summary.count >= kettle.review_count == 10
    assert store.summary(999_999) is None
    demo = [r for r in store.page(KETTLE, after=None, limit=500) if r.demo]
    assert sorted(r.rating for r in demo) == sorted(kettle.demo_reviews)
    assert all(r.user_id is None for r in demo)


def test_only_the_shoppers_own_parcels_are_receipts(world):
    store, new_user, deliver = world
    shopper, other = new_user(), new_user()
    assert store.receipts(shopper, KETTLE) == []
    deliver(shopper, KETTLE, False)
    deliver(other, KETTLE, True)
    assert store.receipts(shopper, KETTLE) == [Receipt(KETTLE, False)]
    deliver(shopper, KETTLE, True)
    assert sorted(store.receipts(shopper, KETTLE), key=lambda r: r.delivered) == [
        Receipt(KETTLE, False),
        Receipt(KETTLE, True),
    ]


def test_a_review_counts_once_per_shopper_and_item_and_edits_move_the_average(world):
    store, new_user, _ = world
    shopper, other = new_user(), new_user()
    before = store.summary(TOASTER)

    review = store.add(shopper, TOASTER, LEAKS)
    after = store.summary(TOASTER)
    assert (review.rating, review.title, review.text, review.demo) == (
        1,
        "Leaks",
        LEAKS.text,
        False,
    )
    assert after.count == before.count + 1
    assert store.own(shopper, TOASTER) == review and store.own(other, TOASTER) is None
    with pytest.raises(AlreadyReviewed):
        store.add(shopper, TOASTER, FIXED)
    assert store.summary(TOASTER) == after

    edited = store.edit(shopper, TOASTER, FIXED)
    assert (edited.id, edited.rating, edited.title) == (review.id, 5, "Fixed")
    assert edited.updated_at > edited.created_at and edited.edited
    assert store.summary(TOASTER).count == after.count
    assert store.summary(TOASTER).average > after.average
    assert store.edit(other, TOASTER, FIXED) is None


def test_pages_run_newest_first_and_continue_strictly_after_the_last_one_shown(world):
    store, new_user, _ = world
    shopper = new_user()
    newest = store.add(shopper, KETTLE, LEAKS)
    everything = store.page(KETTLE, after=None, limit=500)
    assert everything[0] == newest
    keys = [(r.created_at, r.id) for r in everything]
    assert keys == sorted(keys, reverse=True)

    first = store.page(KETTLE, after=None, limit=3)
    rest = store.page(KETTLE, after=(first[-1].created_at, first[-1].id), limit=500)
    assert first + rest == everything
