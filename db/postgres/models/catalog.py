"""The catalogue: items (no stock columns: see stock.py), its version, and the items
with a waiting room."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy import BigInteger, CheckConstraint, Float, ForeignKey, Integer, String, Text, func
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import Mapped, mapped_column, relationship

from db.postgres.models.base import Base, timestamptz

if TYPE_CHECKING:
    from db.postgres.models.stock import AggregatedStock


class Item(Base):
    __tablename__ = "items"

    id: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    sku: Mapped[str] = mapped_column(String(32), unique=True)
    name: Mapped[str] = mapped_column(String(300))
    description: Mapped[str] = mapped_column(Text)
    category: Mapped[str] = mapped_column(String(100), index=True)
    brand: Mapped[str] = mapped_column(String(100), index=True)
    price: Mapped[int] = mapped_column(Integer)  # cents
    # The average of the item's reviews (domain/reviews.py: one decimal) and how many there
    # are; no reviews, no rating. Kept by db/postgres/reviews.py, never typed in.
    rating: Mapped[float | None] = mapped_column(Float)
    review_count: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    created_at: Mapped[datetime] = mapped_column(timestamptz(), server_default=func.now())
    # Its picture's hash in the media store (docs/media.md); None shows the placeholder.
    picture: Mapped[str | None] = mapped_column(String(32), ForeignKey("pictures.hash"), index=True)

    stock: Mapped[AggregatedStock] = relationship(back_populates="item", uselist=False)

    __table_args__ = (
        CheckConstraint("price >= 0", name="price_not_negative"),
        CheckConstraint(
            "(review_count = 0 AND rating IS NULL)"
            " OR (review_count > 0 AND rating BETWEEN 1 AND 5)",
            name="rating_from_reviews",
        ),
    )


class Picture(Base):
    """A product picture in the media store (docs/media.md), known by its hash.

    Imported pictures' thumbnails are written by the import; a demo drawing's are drawn
    from `drawing` (category, colour, name) on the first request of each size.
    """

    __tablename__ = "pictures"

    hash: Mapped[str] = mapped_column(String(32), primary_key=True)
    # Where it came from: the imageURL or imagePath of a product file, or "demo drawing".
    origin: Mapped[str] = mapped_column(String(2000))
    drawing: Mapped[dict | None] = mapped_column(JSONB)
    created_at: Mapped[datetime] = mapped_column(timestamptz(), server_default=func.now())


class CatalogState(Base):
    """One row: the catalogue version (bumped on every load/reindex; part of search cache keys)."""

    __tablename__ = "catalog_state"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, default=1)
    version: Mapped[int] = mapped_column(BigInteger, default=1)
    collection: Mapped[str | None] = mapped_column(String(100))
    updated_at: Mapped[datetime] = mapped_column(timestamptz(), server_default=func.now())

    __table_args__ = (CheckConstraint("id = 1", name="single_row"),)


class WaitingRoomItem(Base):
    """An item in waiting-room mode (domain/waiting_room.py): its shoppers queue to buy."""

    __tablename__ = "waiting_room_items"

    item_id: Mapped[int] = mapped_column(
        ForeignKey("items.id", ondelete="CASCADE"), primary_key=True
    )
    enabled_at: Mapped[datetime] = mapped_column(timestamptz(), server_default=func.now())
    enabled_by: Mapped[int | None] = mapped_column(BigInteger)
