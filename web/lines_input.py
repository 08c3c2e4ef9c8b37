"""`lines: [{itemID, quantity}]` in a request body, read strictly: a 400 that says what is
wrong, never a guess (an item listed twice is refused, not added up). Returns and
operators' refunds both take it."""

from __future__ import annotations

from typing import Any

from web.errors import BadRequest

MAX_LINES = 100
MAX_QUANTITY = 10_000
MAX_ITEM_ID = 2**63 - 1


def parse_lines(lines: Any) -> dict[int, int]:
    """A non-empty list of {itemID, quantity} -> {item id: quantity}."""
    if not isinstance(lines, list) or not lines:
        raise BadRequest("lines must be a non-empty list of {itemID, quantity}.")
    if len(lines) > MAX_LINES:
        raise BadRequest(f"At most {MAX_LINES} lines at once.")
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
    return asked
