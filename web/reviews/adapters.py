"""Reviews over PostgreSQL: one transaction per call, through db/postgres/reviews.py."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.orm import Session, sessionmaker

from db.postgres import reviews as sql
from db.postgres.reviews import ReviewRecord
from domain.reviews import RatingSummary, Receipt, ReviewInput


class SqlReviews:
    def __init__(self, sessions: sessionmaker[Session]) -> None:
        self._sessions = sessions

    def summary(self, item_id: int) -> RatingSummary | None:
        with self._sessions() as session:
            return sql.rating_summary(session, item_id)

    def receipts(self, user_id: int, item_id: int) -> list[Receipt]:
        with self._sessions() as session:
            return sql.receipts(session, user_id, item_id)

    def own(self, user_id: int, item_id: int) -> ReviewRecord | None:
        with self._sessions() as session:
            return sql.own_review(session, user_id, item_id)

    def add(self, user_id: int, item_id: int, review: ReviewInput) -> ReviewRecord:
        with self._sessions.begin() as session:
            return sql.add_review(session, user_id, item_id, review)

    def edit(self, user_id: int, item_id: int, review: ReviewInput) -> ReviewRecord | None:
        with self._sessions.begin() as session:
            return sql.edit_review(session, user_id, item_id, review)

    def page(
        self, item_id: int, *, after: tuple[datetime, int] | None, limit: int
    ) -> list[ReviewRecord]:
        with self._sessions() as session:
            return sql.review_page(session, item_id, after=after, limit=limit)
