"""Product pictures: what a stored picture is called and which sizes exist (docs/media.md).

A picture is known by one hash (32 hex digits): the SHA-256 of an imported picture's
bytes, or of a demo drawing's recipe (drawing is deterministic, so the recipe names the
bytes as surely). Each picture is kept as square thumbnails, one file per size, named
`<hash>-<size>.<ext>`; a name is immutable, so it may be cached for a year.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass

SIZES = (160, 480, 960)  # px, square: the picture fitted inside, centred on white
API_SIZE = 480  # the size the API's imageURL names
HASH_LENGTH = 32
_NAME = re.compile(r"(?P<hash>[0-9a-f]{32})-(?P<size>160|480|960)\.(?P<ext>webp|jpg)")


@dataclass(frozen=True)
class MediaName:
    hash: str
    size: int
    ext: str

    def __str__(self) -> str:
        return f"{self.hash}-{self.size}.{self.ext}"


def hash_of(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()[:HASH_LENGTH]


_HASH = re.compile(rf"[0-9a-f]{{{HASH_LENGTH}}}")


def is_picture_hash(value: str) -> bool:
    # A regex rather than a loop over the characters: every search hit asks this.
    return _HASH.fullmatch(value) is not None


def parse_media_name(raw: str, ext: str) -> MediaName | None:
    """The stored file a public name asks for; None for anything else (no path can pass)."""
    match = _NAME.fullmatch(raw)
    if match is None or match["ext"] != ext:
        return None
    return MediaName(match["hash"], int(match["size"]), ext)


@dataclass(frozen=True)
class Picture:
    """What an <img> needs: the 480 px source, every size as srcset, and its box."""

    src: str
    srcset: str
    width: int
    height: int


def picture_url(picture_hash: str, base_url: str, ext: str, size: int = API_SIZE) -> str:
    """One size's URL: what the API's imageURL needs, without the srcset a page needs."""
    return f"{base_url.rstrip('/')}/{picture_hash}-{size}.{ext}"


def picture_urls(picture_hash: str, base_url: str, ext: str, *, size: int = API_SIZE) -> Picture:
    def url(px: int) -> str:
        return picture_url(picture_hash, base_url, ext, px)

    return Picture(
        src=url(size),
        srcset=", ".join(f"{url(px)} {px}w" for px in SIZES),
        width=size,
        height=size,
    )
