"""Serving a product picture by its public name (docs/media.md)."""

from __future__ import annotations

from pathlib import Path

from domain.pictures import parse_media_name
from domain.refusals import RefusalKind
from web.media.ports import MediaLibrary
from web.refusals import Refused

NOT_FOUND = Refused(RefusalKind.NOT_FOUND, "There is no such picture.")


def find_media(raw_name: str, extension: str, library: MediaLibrary) -> Path | Refused:
    """The file a name stands for. Only names of the form `<hash>-<size>.<ext>` are ever
    looked up, so no other path (`../`, a folder, another file) can be reached."""
    name = parse_media_name(raw_name, extension)
    if name is None:
        return NOT_FOUND
    return library.file(name) or NOT_FOUND
