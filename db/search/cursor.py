"""Opaque, tamper-evident search cursors.

Typesense 0.24 only pages by number, so a cursor is a position in one particular
result order: (fingerprint of the search, offset, limit). It is signed with an
HMAC derived from `Settings.secret_key`, so a client can neither forge a position
nor replay a cursor against another search. Positions come from a deterministic
sort (every sort ends in `item_id:asc`), so walking the cursors of an unchanged
catalogue visits every match exactly once.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import json
from dataclasses import dataclass

import orjson

from db.search.query import MAX_LIMIT, InvalidSearch

_FORMAT = 1
_TAG_BYTES = 16  # 128-bit HMAC tag: forging one is out of reach
_MAX_OFFSET = 100_000_000


class InvalidCursor(InvalidSearch):
    pass


@dataclass(frozen=True)
class CursorPosition:
    fingerprint: str
    offset: int
    limit: int


class CursorCodec:
    def __init__(self, secret_key: str) -> None:
        # A key of its own, so a cursor can never double as a session cookie or token.
        self._key = hmac.new(
            secret_key.encode(), b"shopflow/search-cursor", hashlib.sha256
        ).digest()

    def encode(self, position: CursorPosition) -> str:
        # The bytes json.dumps(..., separators=(",", ":")) wrote: digits and a hex string.
        payload = orjson.dumps([_FORMAT, position.fingerprint, position.offset, position.limit])
        token = payload + self._tag(payload)
        return base64.urlsafe_b64encode(token).decode().rstrip("=")

    def decode(self, cursor: str) -> CursorPosition:
        try:
            token = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
        except (binascii.Error, ValueError):
            raise InvalidCursor("nextCursor is not valid; start again without it.") from None
        payload, tag = token[:-_TAG_BYTES], token[-_TAG_BYTES:]
        if len(token) <= _TAG_BYTES or not hmac.compare_digest(tag, self._tag(payload)):
            raise InvalidCursor("nextCursor is not valid; start again without it.")
        try:
            fmt, fingerprint, offset, limit = json.loads(payload)
        except (ValueError, TypeError, RecursionError):  # signed by us: cannot be deep
            raise InvalidCursor("nextCursor is not valid; start again without it.") from None
        # Signed by us, so these hold unless the format changed; check anyway.
        if (
            fmt != _FORMAT
            or not isinstance(fingerprint, str)
            or not isinstance(offset, int)
            or not isinstance(limit, int)
            or not 0 <= offset <= _MAX_OFFSET
            or not 1 <= limit <= MAX_LIMIT
        ):
            raise InvalidCursor("nextCursor is from an older version of the store; start again.")
        return CursorPosition(fingerprint, offset, limit)

    def _tag(self, payload: bytes) -> bytes:
        # One-shot: the same tag as hmac.new(...).digest(), without an HMAC object each time.
        return hmac.digest(self._key, payload, "sha256")[:_TAG_BYTES]
