"""A return request's body or form: lines and a reason, or a 400 that says what is wrong."""

from __future__ import annotations

import re
from typing import Any

from domain.returns import MAX_REASON_LENGTH, check_reason
from web.errors import BadRequest

MAX_LINES = 100
MAX_QUANTITY = 10_000
MAX_DB_INT = 2**31 - 1  # warehouses.id is an INTEGER column
MAX_ITEM_ID = 2**63 - 1
_DIGITS = re.compile(r"^[0-9]{1,12}$")


def parse_return(payload: dict[str, Any]) -> tuple[dict[int, int], str]:
    """`{lines: [{itemID, quantity}], reason}` -> ({item id: quantity}, reason)."""
    lines = payload.get("lines")
    if not isinstance(lines, list) or not lines:
        raise BadRequest("lines must be a non-empty list of {itemID, quantity}.")
    if len(lines) > MAX_LINES:
        raise BadRequest(f"At most {MAX_LINES} lines per return.")
    asked: dict[int, int] = {}
    for line in lines:
        if not isinstance(line, dict):
            raise BadRequest("Each line must be an object {itemID, quantity}.")
        item_id, quantity = line.get("itemID"), line.get("quantity")
        if type(item_id) is not int or not 0 < item_id <= MAX_ITEM_ID:
            raise BadRequest("itemID must be a positive whole number.")
        if type(quantity) is not int or not 0 < quantity <= MAX_QUANTITY:
            raise BadRequest(f"quantity must be a whole number from 1 to {MAX_QUANTITY:,}.")
        if item_id in asked:
            raise BadRequest(f"Item {item_id} is listed twice: send one line per item.")
        asked[item_id] = quantity
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
