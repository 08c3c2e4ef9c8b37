"""`MediaLibrary` (web/media/ports.py) without PostgreSQL: the demo drawings' recipes of
tests/web/catalogue.py in memory, files in a temporary folder. Held to StoredMedia by
tests/web/test_media_contracts.py."""

from __future__ import annotations

import tempfile
from pathlib import Path

from catalog.demo_drawing import DemoDrawing, draw
from db.media.store import MediaStore
from domain.pictures import MediaName
from tests.web.catalogue import ITEMS


class FakeMediaLibrary:
    def __init__(self, drawings: dict[str, DemoDrawing] | None = None) -> None:
        self.drawings = drawings or {i.picture: i.drawing for i in ITEMS if i.drawing}
        self._folder = tempfile.TemporaryDirectory(prefix="shopflow-fake-media-")
        self.store = MediaStore(Path(self._folder.name))

    def file(self, name: MediaName) -> Path | None:
        found = self.store.find(name)
        if found is not None:
            return found
        drawing = self.drawings.get(name.hash)
        if drawing is None:
            return None
        return self.store.put(name, draw(drawing, name.size))
