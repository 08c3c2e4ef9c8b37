"""The real `MediaLibrary`: files under MEDIA_DIR, demo drawings drawn on first request.
Held to its fake (tests/fakes/media.py) by tests/web/test_media_contracts.py."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy.orm import Session, sessionmaker

from catalog.demo_drawing import DemoDrawing, draw
from db.media.store import MediaStore
from db.postgres.pictures import drawing_of
from domain.pictures import MediaName


class StoredMedia:
    def __init__(self, store: MediaStore, sessions: sessionmaker[Session]) -> None:
        self._store = store
        self._sessions = sessions

    def file(self, name: MediaName) -> Path | None:
        found = self._store.find(name)
        if found is not None:
            return found
        # Not drawn yet (docs/media.md: demo drawings are drawn lazily), or unknown.
        recipe = drawing_of(self._sessions, name.hash)
        if recipe is None:
            return None
        drawing = DemoDrawing(**recipe)
        if drawing.hash != name.hash:
            return None  # drawn by another DRAWING_VERSION: its name is not ours to fill
        return self._store.put(name, draw(drawing, name.size))
