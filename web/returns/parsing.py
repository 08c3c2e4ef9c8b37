"""A return request's body or form: lines and a reason, or a 400 that says what is wrong."""

from __future__ import annotations

import re
from typing import Any

from domain.returns import MAX_REASON_LENGTH, check_reason
from web.errors import BadRequest
from web.lines_input import MAX_LINES, parse_lines

__all__ = ["MAX_LINES", "parse_form", "parse_return", "parse_warehouse_id"]

MAX_DB_INT = 2**31 - 1  # warehouses.id is an INTEGER column
_DIGITS = re.compile(r"^[0-9]{1,12}$")


def parse_return(payload: dict[str, Any]) -> tuple[dict[int, int], str]:
    """`{lines: [{itemID, quantity}], reason}` -> ({item id: quantity}, reason)."""
    asked = parse_lines(payload.get("lines"))
    reason = check_reason(payload.get("reason"))
    if reason is None:
        raise BadRequest(
            f"reason is required: a sentence of at most {MAX_REASON_LENGTH} characters."
        )
    return asked, reason


def parse_form(form: Any) -> tuple[dict[int, int], str]:
    """The order page's form: `qty-<itemID>` fields (0 or empty: not returned) and `reason`."""
    lines = []
    for name, value in form.items():
        if name.startswith("qty-") and str(value).strip() not in ("", "0"):
            item, quantity = name.removeprefix("qty-"), str(value).strip()
            if not (_DIGITS.match(item) and _DIGITS.match(quantity)):
                raise BadRequest("Quantities must be whole numbers.")
            lines.append({"itemID": int(item), "quantity": int(quantity)})
    if not lines:
        raise BadRequest("Pick at least one item to return.")
    return parse_return({"lines": lines, "reason": form.get("reason")})


def parse_warehouse_id(raw: str) -> int | None:
    """None for anything that cannot be a warehouse id: answered as not found."""
    if not _DIGITS.match(raw):
        return None
    value = int(raw)
    return value if 0 < value <= MAX_DB_INT else None
