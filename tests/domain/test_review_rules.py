"""A review is 1 to 5 stars with a title and a text, written by someone who received
the item; an item's rating is the average of its reviews, or "No reviews yet"."""

from __future__ import annotations

from decimal import Decimal

import pytest

from domain.reviews import (
    MAX_TEXT_LENGTH,
    MAX_TITLE_LENGTH,
    Receipt,
    check_review,
    may_review,
    summarise,
)

pytestmark = pytest.mark.unit

GOOD = {"rating": 4, "title": "Boils fast", "text": "Quiet, and the lid stays shut."}


def test_a_good_review_is_taken_tidied():
    check = check_review({"rating": "5", "title": "  Great  ", "text": " Works.\n"})
    assert check.ok
    assert (check.review.rating, check.review.title, check.review.text) == (5, "Great", "Works.")


@pytest.mark.parametrize("rating", [0, 6, -1, 4.5, "4.5", "five", None, True, "", "10"])
def test_a_rating_is_a_whole_number_of_stars_from_one_to_five(rating):
    check = check_review(GOOD | {"rating": rating})
    assert not check.ok
    assert set(check.errors) == {"rating"}


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("title", ""),
        ("title", "   "),
        ("title", "x" * (MAX_TITLE_LENGTH + 1)),
        ("title", "two\nlines"),
        ("title", None),
        ("text", ""),
        ("text", "x" * (MAX_TEXT_LENGTH + 1)),
        ("text", "bell\x07"),
        ("text", 42),
    ],
)
def test_title_and_text_must_be_sensible_text(field, value):
    check = check_review(GOOD | {field: value})
    assert not check.ok
    assert set(check.errors) == {field}


def test_every_wrong_field_gets_its_own_message():
    check = check_review({"rating": 9})
    assert set(check.errors) == {"rating", "title", "text"}


def test_the_longest_title_and_text_are_still_taken():
    check = check_review(
        GOOD | {"title": "t" * MAX_TITLE_LENGTH, "text": "x\n" * (MAX_TEXT_LENGTH // 2)}
    )
    assert check.ok


def test_only_a_shopper_whose_parcel_with_the_item_was_delivered_may_review_it():
    shipped_only = [Receipt(item_id=7, delivered=False)]
    delivered_other = [Receipt(item_id=8, delivered=True)]
    assert not may_review(7, [])
    assert not may_review(7, shipped_only)
    assert not may_review(7, delivered_other)
    assert may_review(7, shipped_only + [Receipt(item_id=7, delivered=True)])


def test_an_item_without_reviews_has_no_rating_and_says_so():
    summary = summarise(0, 0)
    assert summary.average is None and summary.as_float is None
    assert summary.shown == "No reviews yet"


def test_the_average_is_rounded_half_up_to_one_decimal():
    assert summarise(17, 4).average == Decimal("4.3")  # 4.25
    assert summarise(13, 3).average == Decimal("4.3")  # 4.333...
    assert summarise(5, 1).average == Decimal("5.0")
    assert summarise(5, 1).shown == "5.0 out of 5 (1 review)"
    assert summarise(3500, 1000).shown == "3.5 out of 5 (1,000 reviews)"


@pytest.mark.parametrize(("total", "count"), [(6, 1), (0, 1), (-1, 0), (4, -1)])
def test_impossible_totals_are_refused(total, count):
    with pytest.raises(ValueError):
        summarise(total, count)
