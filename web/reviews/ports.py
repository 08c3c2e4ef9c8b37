"""What the reviews' use cases need. Adapter: web/reviews/adapters.py (PostgreSQL);
fake: tests/fakes/reviews.py, held to the same contract by tests/web/test_review_contract.py."""

from __future__ import annotations

from datetime import datetime
from typing import Protocol

from db.postgres.reviews import ReviewRecord
from domain.reviews import RatingSummary, Receipt, ReviewInput


class ReviewStore(Protocol):
    def summary(self, item_id: int) -> RatingSummary | None:
        """The item's average and count; None for an item that does not exist."""

    def receipts(self, user_id: int, item_id: int) -> list[Receipt]:
        """The shopper's suborder lines with the item (domain/reviews.py decides)."""

    def own(self, user_id: int, item_id: int) -> ReviewRecord | None: ...

    def add(self, user_id: int, item_id: int, review: ReviewInput) -> ReviewRecord:
        """Write it and the item's new rating at once; raises
        db.postgres.reviews.AlreadyReviewed for a second review of the same item."""

    def edit(self, user_id: int, item_id: int, review: ReviewInput) -> ReviewRecord | None:
        """Rewrite the shopper's review (and the item's rating); None if there is none."""

    def page(
        self, item_id: int, *, after: tuple[datetime, int] | None, limit: int
    ) -> list[ReviewRecord]:
        """Newest first, strictly after `after` ((created_at, id) of the last one shown)."""
