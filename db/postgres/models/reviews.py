"""Reviews of items, and the items whose rating the search index has yet to learn.

An item's `rating` and `review_count` (models/catalog.py) are kept from these rows in the
same transaction as each review (db/postgres/reviews.py, docs/reviews.md).
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import (
    BigInteger,
    Boolean,
    CheckConstraint,
    ForeignKey,
    Index,
    SmallInteger,
    String,
    Text,
    UniqueConstraint,
    func,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column

from db.postgres.models.base import Base, timestamptz


class Review(Base):
    """One shopper's review of one item (editable, never a second one). A seeded demo
    review has no shopper behind it: `demo` is true and `user_id` empty."""

    __tablename__ = "reviews"

    id: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    item_id: Mapped[int] = mapped_column(ForeignKey("items.id", ondelete="CASCADE"))
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    rating: Mapped[int] = mapped_column(SmallInteger)
    title: Mapped[str] = mapped_column(String(120))
    body: Mapped[str] = mapped_column(Text)
    demo: Mapped[bool] = mapped_column(Boolean, default=False, server_default=text("false"))
    created_at: Mapped[datetime] = mapped_column(timestamptz(), server_default=func.now())
    updated_at: Mapped[datetime] = mapped_column(timestamptz(), server_default=func.now())

    __table_args__ = (
        UniqueConstraint("item_id", "user_id", name="uq_reviews_item_id_user_id"),
        CheckConstraint("rating BETWEEN 1 AND 5", name="rating_in_range"),
        CheckConstraint("demo = (user_id IS NULL)", name="demo_has_no_shopper"),
        # The item page walks this index newest first with a (created_at, id) cursor.
        Index("ix_reviews_item_created", "item_id", "created_at", "id"),
    )


class RatingSearchPending(Base):
    """An item whose rating changed and whose search document does not show it yet; the
    stock relay pushes it (db/redis/stock_relay.py). `seq` is the newest change, so one
    made while a push is under way is never lost."""

    __tablename__ = "rating_search_pending"

    item_id: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    seq: Mapped[int] = mapped_column(
        BigInteger, server_default=text("nextval('rating_search_seq')")
    )
