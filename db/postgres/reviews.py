"""The SQL of reviews: write one and keep its item's rating in the same transaction,
read them newest first by a keyset, and say whether a shopper received an item.

An item's `rating` / `review_count` are recomputed from its reviews while the item row
is locked, so two reviews committing at once never leave a stale average; the item is
queued in `rating_search_pending` (the stock relay's second outbox, docs/reviews.md)
and the relay is woken on the channel it already listens to.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import and_, func, insert, or_, select, text, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from db.postgres.models import (
    Item,
    Order,
    RatingSearchPending,
    Review,
    Suborder,
    SuborderLine,
)
from domain.order import SuborderStatus
from domain.reviews import RatingSummary, Receipt, ReviewInput, summarise

RELAY_CHANNEL = "stock_events"  # the stock relay LISTENs here (db/redis/stock_relay.py)


class AlreadyReviewed(Exception):
    """The shopper has a review of this item already: they edit it instead."""


@dataclass(frozen=True)
class ReviewRecord:
    id: int
    item_id: int
    user_id: int | None
    rating: int
    title: str
    text: str
    demo: bool
    created_at: datetime
    updated_at: datetime

    @property
    def edited(self) -> bool:
        return self.updated_at > self.created_at


def _record(row: Review) -> ReviewRecord:
    return ReviewRecord(
        id=row.id,
        item_id=row.item_id,
        user_id=row.user_id,
        rating=row.rating,
        title=row.title,
        text=row.body,
        demo=row.demo,
        created_at=row.created_at,
        updated_at=row.updated_at,
    )


def rating_summary(session: Session, item_id: int) -> RatingSummary | None:
    """The item's rating as stored on it; None for an unknown item."""
    row = session.execute(
        select(Item.review_count, Item.rating).where(Item.id == item_id)
    ).one_or_none()
    if row is None:
        return None
    if row.review_count == 0:
        return summarise(0, 0)
    total = session.execute(
        select(func.coalesce(func.sum(Review.rating), 0)).where(Review.item_id == item_id)
    ).scalar_one()
    return summarise(int(total), row.review_count)


def receipts(session: Session, user_id: int, item_id: int) -> list[Receipt]:
    """The shopper's suborder lines with this item, and whether each was delivered."""
    rows = session.execute(
        select(SuborderLine.item_id, Suborder.status)
        .join(Suborder, Suborder.id == SuborderLine.suborder_id)
        .join(Order, Order.id == Suborder.order_id)
        .where(Order.user_id == user_id, SuborderLine.item_id == item_id)
    )
    return [Receipt(r.item_id, r.status == SuborderStatus.DELIVERED) for r in rows]


def own_review(session: Session, user_id: int, item_id: int) -> ReviewRecord | None:
    row = session.scalars(
        select(Review).where(Review.item_id == item_id, Review.user_id == user_id)
    ).one_or_none()
    return None if row is None else _record(row)


def add_review(
    session: Session, user_id: int | None, item_id: int, review: ReviewInput, *, demo: bool = False
) -> ReviewRecord:
    """Insert the review and refresh the item's rating, in the caller's transaction.
    Raises AlreadyReviewed (the transaction is then unusable: roll it back)."""
    _lock_item(session, item_id)
    try:
        with session.begin_nested():
            review_id = session.execute(
                insert(Review)
                .values(
                    item_id=item_id,
                    user_id=user_id,
                    rating=review.rating,
                    title=review.title,
                    body=review.text,
                    demo=demo,
                )
                .returning(Review.id)
            ).scalar_one()
    except IntegrityError as error:
        if "uq_reviews_item_id_user_id" in str(error.orig):
            raise AlreadyReviewed from None
        raise
    refresh_rating(session, item_id)
    return _record(session.get_one(Review, review_id))


def edit_review(
    session: Session, user_id: int, item_id: int, review: ReviewInput
) -> ReviewRecord | None:
    """The shopper's review, rewritten; None if they have none of this item."""
    _lock_item(session, item_id)
    review_id = session.execute(
        update(Review)
        .where(Review.item_id == item_id, Review.user_id == user_id)
        .values(
            rating=review.rating,
            title=review.title,
            body=review.text,
            updated_at=func.clock_timestamp(),
        )
        .returning(Review.id)
    ).scalar_one_or_none()
    if review_id is None:
        return None
    refresh_rating(session, item_id)
    row = session.get_one(Review, review_id)
    session.refresh(row)
    return _record(row)


def refresh_rating(session: Session, item_id: int) -> RatingSummary:
    """Recompute the item's average and count from its reviews (the item row is locked by
    the caller) and queue the item for the search index."""
    count, total = session.execute(
        select(func.count(Review.id), func.coalesce(func.sum(Review.rating), 0)).where(
            Review.item_id == item_id
        )
    ).one()
    summary = summarise(int(total), int(count))
    session.execute(
        update(Item)
        .where(Item.id == item_id)
        .values(rating=summary.as_float, review_count=summary.count)
    )
    queue_for_search(session, [item_id])
    return summary


def queue_for_search(session: Session, item_ids: list[int]) -> None:
    if not item_ids:
        return
    statement = pg_insert(RatingSearchPending).values([{"item_id": i} for i in item_ids])
    session.execute(
        statement.on_conflict_do_update(
            index_elements=[RatingSearchPending.item_id],
            set_={"seq": text("nextval('rating_search_seq')")},
        )
    )
    session.execute(text("SELECT pg_notify(:channel, '')"), {"channel": RELAY_CHANNEL})


def review_page(
    session: Session, item_id: int, *, after: tuple[datetime, int] | None, limit: int
) -> list[ReviewRecord]:
    """Up to `limit` reviews of the item, newest first, strictly after `after`."""
    statement = select(Review).where(Review.item_id == item_id)
    if after is not None:
        at, review_id = after
        statement = statement.where(
            or_(Review.created_at < at, and_(Review.created_at == at, Review.id < review_id))
        )
    statement = statement.order_by(Review.created_at.desc(), Review.id.desc()).limit(limit)
    return [_record(row) for row in session.scalars(statement)]


def _lock_item(session: Session, item_id: int) -> None:
    session.execute(select(Item.id).where(Item.id == item_id).with_for_update())
