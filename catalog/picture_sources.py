"""A product file's pictures: fetched (imageURL) or read (imagePath), checked, stored.

Done at import time, row by row, so a bad picture is reported on its line like any
other bad field (docs/catalog-import.md) and the store never shows a link it has not
seen work. The thumbnails are written to the media store before the import's
transaction commits; a rolled-back import leaves files nobody names, never an item
naming a missing file.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import httpx

from catalog.pictures import EXTENSION, BadPicture, thumbnails
from db.media.store import MediaStore
from domain.catalog_rows import ProductRow
from domain.pictures import MediaName, hash_of

FETCH_TIMEOUT_SECONDS = 10.0
MAX_PICTURE_BYTES = 10 * 1024 * 1024
MAX_REDIRECTS = 3


@dataclass(frozen=True)
class StoredPicture:
    hash: str
    origin: str  # the imageURL or imagePath it came from


class PictureImport:
    """Stores each row's picture in `store`; imagePath is read inside `folder` only."""

    def __init__(
        self,
        store: MediaStore,
        folder: Path,
        *,
        timeout: float = FETCH_TIMEOUT_SECONDS,
        max_bytes: int = MAX_PICTURE_BYTES,
    ) -> None:
        self._store = store
        self._folder = folder.resolve()
        self._max_bytes = max_bytes
        self._client = httpx.Client(
            timeout=timeout, follow_redirects=True, max_redirects=MAX_REDIRECTS
        )
        self._done: dict[str, StoredPicture] = {}  # a file naming one picture twice

    def close(self) -> None:
        self._client.close()

    def store(self, row: ProductRow) -> StoredPicture | None:
        """The row's stored picture, None if it names none; BadPicture says what is wrong."""
        origin = row.image_url or row.image_path
        if origin is None:
            return None
        if origin in self._done:
            return self._done[origin]
        data = self._fetch(origin) if row.image_url else self._read(origin)
        picture_hash = hash_of(data)
        for size, thumbnail in thumbnails(data).items():
            self._store.put(MediaName(picture_hash, size, EXTENSION), thumbnail)
        stored = self._done[origin] = StoredPicture(picture_hash, origin)
        return stored

    def _fetch(self, url: str) -> bytes:
        try:
            with self._client.stream("GET", url) as response:
                if response.status_code != 200:
                    raise BadPicture(f"{url} answered {response.status_code}")
                declared = response.headers.get("content-length", "")
                if declared.isdigit() and int(declared) > self._max_bytes:
                    raise BadPicture(self._too_big())
                data = bytearray()
                for chunk in response.iter_bytes():
                    data += chunk
                    if len(data) > self._max_bytes:
                        raise BadPicture(self._too_big())
                return bytes(data)
        except httpx.TimeoutException:
            raise BadPicture(f"{url} did not answer in time") from None
        except httpx.HTTPError as exc:
            raise BadPicture(f"{url} could not be fetched ({type(exc).__name__})") from None

    def _read(self, relative: str) -> bytes:
        path = (self._folder / relative).resolve()
        if not path.is_relative_to(self._folder):
            raise BadPicture("must stay inside the product file's folder")
        if not path.is_file():
            raise BadPicture(f"there is no file {relative!r} beside the product file")
        if path.stat().st_size > self._max_bytes:
            raise BadPicture(self._too_big())
        return path.read_bytes()

    def _too_big(self) -> str:
        return f"is larger than {self._max_bytes // (1024 * 1024)} MB"
