"""The reviews' port in memory (web/reviews/ports.py): the catalogue of
tests/web/catalogue.py with its demo reviews, shoppers' reviews one per item, ratings
kept as db/postgres/reviews.py keeps them. Held to SqlReviews by
tests/web/test_review_contract.py."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime, timedelta
from itertools import count

from catalog.demo_reviews import demo_review_rows
from db.postgres.reviews import AlreadyReviewed, ReviewRecord
from domain.reviews import RatingSummary, Receipt, ReviewInput, summarise
from tests.web.catalogue import ITEMS


class FakeReviews:
    def __init__(self) -> None:
        self._ids = count(1)
        self.reviews: dict[int, ReviewRecord] = {}
        self.items = {item.id for item in ITEMS}
        self.deliveries: dict[int, list[Receipt]] = {}  # user -> their suborder lines
        self.search_queue: list[int] = []  # items whose rating the index must learn
        for item in ITEMS:  # what the loader writes
            for item_id, stars, title, body, demo, at, _ in demo_review_rows(item):
                self._store(item_id, None, ReviewInput(stars, title, body), demo=demo, at=at)
        self._clock = datetime.now().astimezone()

    # -- test helpers ---------------------------------------------------------------
    def deliver(self, user_id: int, item_id: int, *, delivered: bool = True) -> None:
        """The shopper's parcel with the item (delivered, or still on its way)."""
        self.deliveries.setdefault(user_id, []).append(Receipt(item_id, delivered))

    def deliver_to(self, user_id: int, item_id: int, delivered: bool) -> None:
        """`deliver` as the contract test's worlds spell it."""
        self.deliver(user_id, item_id, delivered=delivered)

    # -- the port -------------------------------------------------------------------
    def summary(self, item_id: int) -> RatingSummary | None:
        if item_id not in self.items:
            return None
        stars = [r.rating for r in self.reviews.values() if r.item_id == item_id]
        return summarise(sum(stars), len(stars))

    def receipts(self, user_id: int, item_id: int) -> list[Receipt]:
        return [r for r in self.deliveries.get(user_id, []) if r.item_id == item_id]

    def own(self, user_id: int, item_id: int) -> ReviewRecord | None:
        return next(
            (r for r in self.reviews.values() if (r.item_id, r.user_id) == (item_id, user_id)),
            None,
        )

    def add(self, user_id: int, item_id: int, review: ReviewInput) -> ReviewRecord:
        if self.own(user_id, item_id) is not None:
            raise AlreadyReviewed
        return self._store(item_id, user_id, review, demo=False, at=self._tick())

    def edit(self, user_id: int, item_id: int, review: ReviewInput) -> ReviewRecord | None:
        own = self.own(user_id, item_id)
        if own is None:
            return None
        edited = replace(
            own, rating=review.rating, title=review.title, text=review.text, updated_at=self._tick()
        )
        self.reviews[own.id] = edited
        self.search_queue.append(item_id)
        return edited

    def page(
        self, item_id: int, *, after: tuple[datetime, int] | None, limit: int
    ) -> list[ReviewRecord]:
        mine = sorted(
            (r for r in self.reviews.values() if r.item_id == item_id),
            key=lambda r: (r.created_at, r.id),
            reverse=True,
        )
        if after is not None:
            mine = [r for r in mine if (r.created_at, r.id) < after]
        return mine[:limit]

    # -- inside ---------------------------------------------------------------------
    def _store(
        self, item_id: int, user_id: int | None, review: ReviewInput, *, demo: bool, at: datetime
    ) -> ReviewRecord:
        record = ReviewRecord(
            id=next(self._ids),
            item_id=item_id,
            user_id=user_id,
            rating=review.rating,
            title=review.title,
            text=review.text,
            demo=demo,
            created_at=at,
            updated_at=at,
        )
        self.reviews[record.id] = record
        self.search_queue.append(item_id)
        return record

    def _tick(self) -> datetime:
        self._clock += timedelta(milliseconds=1)  # distinct instants, as a real clock's
        return self._clock
