"""The warehouse portal's input: ids, statuses, limits and cursors from paths, query
strings and forms. Malformed input is a 400 with a sentence (web/errors.py); an id
that cannot exist is None, which the use cases answer as not found.

Queues are oldest first: `(created_at, id)` keyset pagination. The cursor is that
pair, base64-encoded (web/keyset.py); it is only a position, so a forged one can at
worst skip rows of a queue the caller may read anyway.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime

from domain.order import SuborderStatus as SS
from web import keyset
from web.errors import BadRequest
from web.suborder_reads import SuborderRow
from web.warehouses.use_cases import DEFAULT_LIMIT

MAX_LIMIT = 100
MAX_DB_INT = 2**31 - 1  # warehouses.id is an INTEGER column
MAX_FORM_DIGITS = 12
STATUSES = ", ".join(status.value for status in SS)
# Suborder ids are `<orderID>-S<n>`; anything else (NUL bytes, 10 kB of text) is no id.
_SUBORDER_ID = re.compile(r"^[A-Za-z0-9_.:-]{1,64}$")

__all__ = ["DEFAULT_LIMIT", "MAX_LIMIT"]


def parse_warehouse_id(raw: str) -> int | None:
    """A path's warehouse id: 400 unless digits; None (a 404) when it cannot exist."""
    if not raw.isascii() or not raw.isdigit():
        raise BadRequest(f"Warehouse ids are whole numbers, not {raw[:20]!r}.")
    value = int(raw)
    return value if 0 < value <= MAX_DB_INT else None


def is_suborder_id(raw: str) -> bool:
    return bool(_SUBORDER_ID.match(raw))


def parse_status(raw: str | None) -> SS:
    if raw is None or raw == "":
        return SS.ASSIGNED
    try:
        return SS(raw.strip().upper())
    except ValueError:
        raise BadRequest(f"status must be one of {STATUSES}, got {raw[:20]!r}.") from None


def parse_limit(raw: str | None) -> int:
    if raw is None or raw == "":
        return DEFAULT_LIMIT
    if not raw.isascii() or not raw.isdigit() or not 1 <= int(raw) <= MAX_LIMIT:
        raise BadRequest(f"limit must be a whole number from 1 to {MAX_LIMIT}.")
    return int(raw)


def encode_cursor(row: SuborderRow) -> str:
    return keyset.encode_cursor(row.created_at, row.suborder_id)


def decode_cursor(raw: str | None) -> tuple[datetime, str] | None:
    return keyset.decode_cursor(raw, valid_key=is_suborder_id) if raw else None


def form_number(raw: str, what: str) -> int | str:
    """A whole number typed in a form, or the sentence that says what is wrong."""
    text = raw.strip()
    if not text.isascii() or not text.isdigit() or len(text) > MAX_FORM_DIGITS:
        return f"Enter the {what} as a whole number."
    return int(text)


def form_key(raw: str) -> str | None:
    """The restock form's hidden idempotency key; BadRequest if it was tampered with."""
    key = raw.strip()
    if not key:
        return None  # an old form without the field: a plain restock
    if len(key) > 255 or not key.isprintable():
        raise BadRequest("The form is damaged; reload the page.")
    return key


@dataclass(frozen=True)
class RestockEntry:
    item_id: int
    quantity: int
    key: str | None


def restock_form(form: Mapping[str, str]) -> RestockEntry | str:
    """The restock form's fields, or the one sentence that says what to fix: a damaged
    form first, then the item number, then the quantity."""
    try:
        key = form_key(form.get("idempotency_key", ""))
    except BadRequest as damaged:
        return str(damaged)
    item_id = form_number(form.get("item_id", ""), "item number")
    quantity = form_number(form.get("quantity", ""), "quantity")
    for value in (item_id, quantity):
        if isinstance(value, str):
            return value
    assert isinstance(item_id, int) and isinstance(quantity, int)
    return RestockEntry(item_id, quantity, key)
