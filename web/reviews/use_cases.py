"""The reviews' use cases, written once for the item page and /api/v1/items/{id}/reviews:
write a review, edit it, list an item's reviews with a cursor, and what the form offers.

Who may review and what a review holds are domain/reviews.py's rules. An unknown item
is not_found before anything else; a shopper who never received the item is
not_received (403); a second review is already_reviewed (409: edit the first one); a
bad rating, title or text is invalid_review (422) with a message per field.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from db.postgres.reviews import AlreadyReviewed, ReviewRecord
from domain.refusals import RefusalKind
from domain.reviews import RatingSummary, ReviewInput, check_review, may_review
from web import keyset
from web.errors import BadRequest
from web.item_reads import MAX_ITEM_ID
from web.outcomes import Limits, over_limit
from web.refusals import Refused
from web.reviews.ports import ReviewStore

PAGE_SIZE = 10
LIMIT_FEATURE = "reviews"
NO_ITEM = "We couldn't find that item."
NOT_RECEIVED = "Only shoppers who have received this item can review it."
ALREADY = "You have already reviewed this item; edit your review instead."
NO_REVIEW = "You have not reviewed this item yet."


@dataclass(frozen=True)
class ReviewPage:
    item_id: int
    summary: RatingSummary
    reviews: tuple[ReviewRecord, ...]
    next_cursor: str | None  # the next (older) page of the same item


@dataclass(frozen=True)
class ReviewForm:
    """What the item page offers the shopper looking at it."""

    may_review: bool  # received the item
    own: ReviewRecord | None  # their review, to edit


def item_reviews(store: ReviewStore, item_id: int, cursor: str | None) -> ReviewPage | Refused:
    summary = _summary(store, item_id)
    if summary is None:
        return Refused(RefusalKind.NOT_FOUND, NO_ITEM)
    scope = f"reviews:{item_id}"
    after = None
    if cursor:
        try:
            at, key = keyset.decode_cursor(cursor, valid_key=str.isdigit, scope=scope)
        except BadRequest as error:
            return Refused(RefusalKind.BAD_REQUEST, str(error))
        after = (at, int(key))
    # One more than a page says whether there is a next one without a count.
    rows = store.page(item_id, after=after, limit=PAGE_SIZE + 1)
    shown = tuple(rows[:PAGE_SIZE])
    next_cursor = None
    if len(rows) > PAGE_SIZE:
        last = shown[-1]
        next_cursor = keyset.encode_cursor(last.created_at, str(last.id), scope=scope)
    return ReviewPage(item_id, summary, shown, next_cursor)


def review_form(store: ReviewStore, user_id: int | None, item_id: int) -> ReviewForm:
    if user_id is None:
        return ReviewForm(may_review=False, own=None)
    own = store.own(user_id, item_id)
    allowed = own is not None or may_review(item_id, store.receipts(user_id, item_id))
    return ReviewForm(may_review=allowed, own=own)


def write_review(
    store: ReviewStore, limits: Limits, user_id: int, item_id: int, values: Mapping[str, object]
) -> ReviewRecord | Refused:
    if _summary(store, item_id) is None:
        return Refused(RefusalKind.NOT_FOUND, NO_ITEM)
    if not may_review(item_id, store.receipts(user_id, item_id)):
        return Refused(RefusalKind.NOT_RECEIVED, NOT_RECEIVED)
    if store.own(user_id, item_id) is not None:
        return Refused(RefusalKind.ALREADY_REVIEWED, ALREADY)
    review = _checked(values)
    if isinstance(review, Refused):
        return review
    too_many = over_limit(limits, user_id, LIMIT_FEATURE, "reviews")
    if too_many is not None:
        return too_many
    try:
        return store.add(user_id, item_id, review)
    except AlreadyReviewed:  # a second tab got there first
        return Refused(RefusalKind.ALREADY_REVIEWED, ALREADY)


def change_review(
    store: ReviewStore, limits: Limits, user_id: int, item_id: int, values: Mapping[str, object]
) -> ReviewRecord | Refused:
    if _summary(store, item_id) is None:
        return Refused(RefusalKind.NOT_FOUND, NO_ITEM)
    if store.own(user_id, item_id) is None:
        return Refused(RefusalKind.NOT_FOUND, NO_REVIEW)
    review = _checked(values)
    if isinstance(review, Refused):
        return review
    too_many = over_limit(limits, user_id, LIMIT_FEATURE, "reviews")
    if too_many is not None:
        return too_many
    edited = store.edit(user_id, item_id, review)
    return edited if edited is not None else Refused(RefusalKind.NOT_FOUND, NO_REVIEW)


def save_review(
    store: ReviewStore, limits: Limits, user_id: int, item_id: int, values: Mapping[str, object]
) -> ReviewRecord | Refused:
    """The item page's one form: a first review, or the shopper's edit of theirs."""
    if store.own(user_id, item_id) is None:
        return write_review(store, limits, user_id, item_id, values)
    return change_review(store, limits, user_id, item_id, values)


def own_review(store: ReviewStore, user_id: int, item_id: int) -> ReviewRecord | Refused:
    if _summary(store, item_id) is None:
        return Refused(RefusalKind.NOT_FOUND, NO_ITEM)
    own = store.own(user_id, item_id)
    return own if own is not None else Refused(RefusalKind.NOT_FOUND, NO_REVIEW)


def _summary(store: ReviewStore, item_id: int) -> RatingSummary | None:
    if not 1 <= item_id <= MAX_ITEM_ID:
        return None  # no such id can exist (items.id is a BIGINT)
    return store.summary(item_id)


def _checked(values: Mapping[str, object]) -> ReviewInput | Refused:
    check = check_review(values)
    if check.review is None:
        return Refused(
            RefusalKind.INVALID_REVIEW,
            " ".join(check.errors.values()),
            details={"fields": dict(check.errors)},
        )
    return check.review
