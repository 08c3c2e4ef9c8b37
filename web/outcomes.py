"""What a use case answers when it says no: one value, mapped to a status in one table.

The use cases of the cart, the orders and the address book (`web/<feature>/use_cases.py`)
return either their result or a `Refused`. Pages and JSON routes both turn a `Refused`
into a status with `status_of`, so a refusal means the same thing in HTML and in JSON.

`kind` says what sort of no it is (and so the status); `code` is the stable word API
clients see in `error.code` (the kind itself unless the refusal is more specific, e.g.
kind `cannot_cancel`, code `already_shipped`); `details` are numbers a client can act on.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Protocol

from web.limits import too_many_message

# kind -> HTTP status, for pages and the API alike.
STATUS: Mapping[str, int] = {
    "bad_request": 400,
    "invalid_quantity": 400,
    "not_received": 403,
    "not_found": 404,
    "insufficient_stock": 409,
    "line_limit": 409,
    "cart_full": 409,
    "address_book_full": 409,
    "cannot_cancel": 409,
    "already_reviewed": 409,
    "invalid_address": 422,
    "invalid_review": 422,
    "too_many_requests": 429,
    "unavailable": 503,
}


@dataclass(frozen=True)
class Refused:
    kind: str
    message: str
    code: str = ""
    details: Mapping[str, Any] = field(default_factory=dict)
    retry_after: int = 0  # seconds, for too_many_requests

    @property
    def error_code(self) -> str:
        return self.code or self.kind


def status_of(refused: Refused) -> int:
    return STATUS[refused.kind]


class Verdict(Protocol):
    allowed: bool
    retry_after: int


class Limits(Protocol):
    """The abuse limits a shopper's writes pass (web/limits.py's AbuseLimits)."""

    def shopper_write(self, user_id: int | str, feature: str) -> Verdict: ...

    @property
    def max_held_units_per_item(self) -> int:
        """The limit per line, of cart and checkout alike (domain/cart_rules.py)."""
        ...


def over_limit(limits: Limits, user_id: int | str, feature: str, what: str) -> Refused | None:
    """A too_many_requests refusal when this write of `feature` is one too many, else None."""
    verdict = limits.shopper_write(user_id, feature)
    if verdict.allowed:
        return None
    return Refused(
        "too_many_requests",
        too_many_message(what, verdict),
        details={"retryAfter": verdict.retry_after},
        retry_after=verdict.retry_after,
    )
