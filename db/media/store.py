"""The media store: product pictures' thumbnails as files under MEDIA_DIR (docs/media.md).

A file is written once under its content-hashed name (`<hash>-<size>.<ext>`, in a
folder per first two hex digits so no folder holds millions of files) and never
changed: writing goes to a temporary file renamed into place, so a reader sees a whole
file or none, and two processes writing the same name write the same bytes.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from domain.pictures import MediaName


class MediaStore:
    def __init__(self, root: Path) -> None:
        self.root = root

    def path(self, name: MediaName) -> Path:
        return self.root / name.hash[:2] / str(name)

    def find(self, name: MediaName) -> Path | None:
        path = self.path(name)
        return path if path.is_file() else None

    def put(self, name: MediaName, data: bytes) -> Path:
        path = self.path(name)
        if path.is_file():
            return path  # the same name always holds the same bytes
        # Owner only, like everything under var/ (docs/security.md): the web process that
        # serves /media is the owner; a CDN gets a copy (docs/media.md).
        self.root.mkdir(mode=0o700, parents=True, exist_ok=True)
        path.parent.mkdir(mode=0o700, exist_ok=True)
        handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=".incoming-")
        try:
            with os.fdopen(handle, "wb") as out:
                out.write(data)
            os.chmod(temporary, 0o600)
            os.replace(temporary, path)
        except BaseException:
            Path(temporary).unlink(missing_ok=True)
            raise
        return path
