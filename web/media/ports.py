"""What serving a product picture needs (docs/media.md)."""

from __future__ import annotations

from pathlib import Path
from typing import Protocol

from domain.pictures import MediaName


class MediaLibrary(Protocol):
    def file(self, name: MediaName) -> Path | None:
        """The stored file of `name` (a demo drawing is drawn and stored on its first
        request); None when no picture has that hash."""
        ...
