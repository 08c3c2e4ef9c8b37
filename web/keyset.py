"""The one keyset cursor: the last row a page showed, (instant, id), as an opaque string.

The next page is everything strictly after that row in (instant, id) order, which an
index answers without counting or skipping rows, so a row added meanwhile can neither
repeat nor vanish from the pages. The cursor is plain (not signed): every query it
feeds is filtered by who is asking, so a hand-made cursor can only skip through rows
they may see anyway.
"""

from __future__ import annotations

import base64
import binascii
import json
from collections.abc import Callable
from datetime import UTC, datetime

from web import input_guard
from web.errors import BadRequest

BAD_CURSOR = "nextCursor is not valid; start again without it."


def encode_cursor(instant: datetime, key: str) -> str:
    payload = json.dumps([instant.isoformat(), key], separators=(",", ":"))
    return base64.urlsafe_b64encode(payload.encode()).decode().rstrip("=")


def decode_cursor(raw: str, *, valid_key: Callable[[str], object]) -> tuple[datetime, str]:
    """(instant in UTC, key), or BadRequest (400) for anything this module did not write."""
    try:
        instant_text, key = input_guard.loads(base64.urlsafe_b64decode(raw + "=" * (-len(raw) % 4)))
        instant = datetime.fromisoformat(instant_text)
    except (binascii.Error, ValueError, TypeError):
        raise BadRequest(BAD_CURSOR) from None
    if instant.tzinfo is None or not isinstance(key, str) or not valid_key(key):
        raise BadRequest(BAD_CURSOR)
    return instant.astimezone(UTC), key
