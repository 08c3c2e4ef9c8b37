"""The SQL of product pictures (docs/media.md): what a demo drawing is drawn from."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from db.postgres.models import Picture


def drawing_of(sessions: sessionmaker[Session], picture_hash: str) -> dict[str, Any] | None:
    """The recipe of the demo drawing with this hash; None for any other hash."""
    with sessions() as session:
        return session.execute(
            select(Picture.drawing).where(Picture.hash == picture_hash)
        ).scalar_one_or_none()
