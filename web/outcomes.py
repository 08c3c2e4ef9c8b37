"""The abuse limits a shopper's writes pass, as a use case sees them.

A use case that says no returns web/refusals.py's `Refused`; `over_limit` is the
TOO_MANY_REQUESTS one, with the seconds to wait.
"""

from __future__ import annotations

from typing import Protocol

from domain.refusals import RefusalKind
from web.limits import too_many_message
from web.refusals import Refused


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
        RefusalKind.TOO_MANY_REQUESTS,
        too_many_message(what, verdict),
        details={"retryAfter": verdict.retry_after},
        retry_after=verdict.retry_after,
    )
