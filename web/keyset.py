"""The one keyset cursor: the last row a page showed, (instant, id), as an opaque string.

The next page is everything strictly after that row in (instant, id) order, which an
index answers without counting or skipping rows, so a row added meanwhile can neither
repeat nor vanish from the pages. The cursor is plain (not signed): every query it
feeds is filtered by who is asking, so a hand-made cursor can only skip through rows
they may see anyway.

A `scope` (who asked, with which filters) binds a cursor to the listing that wrote it:
a cursor from another shopper's list, or from the same list with another `since`, is a
400 rather than a page of something the caller never asked for.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import json
from collections.abc import Callable
from datetime import UTC, datetime

from web import input_guard
from web.errors import BadRequest

BAD_CURSOR = "nextCursor is not valid; start again without it."


def encode_cursor(instant: datetime, key: str, *, scope: str = "") -> str:
    fields = [instant.isoformat(), key] + ([_tag(scope)] if scope else [])
    payload = json.dumps(fields, separators=(",", ":"))
    return base64.urlsafe_b64encode(payload.encode()).decode().rstrip("=")


def decode_cursor(
    raw: str, *, valid_key: Callable[[str], object], scope: str = ""
) -> tuple[datetime, str]:
    """(instant in UTC, key), or BadRequest (400) for anything this module did not write
    for this `scope`."""
    try:
        fields = input_guard.loads(base64.urlsafe_b64decode(raw + "=" * (-len(raw) % 4)))
        instant_text, key, *tag = fields
        instant = datetime.fromisoformat(instant_text)
    except (binascii.Error, ValueError, TypeError):
        raise BadRequest(BAD_CURSOR) from None
    if instant.tzinfo is None or not isinstance(key, str) or not valid_key(key):
        raise BadRequest(BAD_CURSOR)
    if tag != ([_tag(scope)] if scope else []):
        raise BadRequest(BAD_CURSOR)
    return instant.astimezone(UTC), key


def _tag(scope: str) -> str:
    return hashlib.sha256(scope.encode()).hexdigest()[:16]
