"""An operator refunds an order, or some of its lines, with a reason (docs/returns.md).

Idempotent by the caller's Idempotency-Key per order: the same key answers the same
refund, another body under it is refused. The rule (lines as bought, never more than
captured minus refunded) is domain/returns.py's `operator_refund`.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

from domain.refusals import Refusal, RefusalKind
from web.refunds.ports import KeyReused, StaffRefunds, StaffRefundView
from web.refusals import Refused

_ORDER_ID = re.compile(r"[A-Za-z0-9_-]{1,64}")
NOT_FOUND = Refused(RefusalKind.ORDER_NOT_YOURS, "There is no such order.")
KEY_REUSED = "This Idempotency-Key was used for another refund of this order: use a new key."


def refund_order(
    refunds: StaffRefunds,
    staff_user_id: int,
    order_id: str,
    asked: Mapping[int, int] | None,
    reason: str,
    key: str,
) -> StaffRefundView | Refused:
    if not _ORDER_ID.fullmatch(order_id):
        return NOT_FOUND
    done = refunds.refund(staff_user_id, order_id, asked, reason, key)
    if done is None:
        return NOT_FOUND
    if isinstance(done, Refusal):  # the rule's (domain/returns.py) or the gateway's
        return Refused.of(done)
    if isinstance(done, KeyReused):
        return Refused(RefusalKind.KEY_REUSED, KEY_REUSED)
    return done
