"""What the order page decides from an order alone: whether it still offers "Cancel
order", whether it keeps polling, how the timeline reads (no services needed)."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest

from domain.refusals import RefusalKind, cancel_refusal_kind
from web.order_timeline import timeline_entries
from web.orders.reads import OrderView
from web.refusals import TABLE
from web.suborder_reads import SuborderRow

pytestmark = pytest.mark.unit

# A fixed instant, passed in wherever the rules read the clock: these tests mean the
# same thing whenever (and however long) the suite runs.
NOW = datetime(2026, 11, 30, 12, 0, tzinfo=UTC)


def event(name: str, at: datetime = NOW, detail: str = "") -> dict:
    return {"at": at.isoformat(), "event": name, "detail": detail}


def parcel(status: str) -> SuborderRow:
    return SuborderRow(
        "o-S1", "o", 1, "Seattle", "Seattle, WA, US", status, NOW, None, None, {}, ()
    )


ORDER = OrderView(
    order_id="o",
    checkout_id="c",
    ordered_at=NOW,
    arrival_date=None,
    status="PENDING",
    total=1_000,
    lines=(),
    shipping_address={},
    card_brand="visa",
    card_last4="4242",
    timeline=(event("placed"),),
)


def test_a_pending_order_can_be_cancelled_until_a_parcel_leaves_the_warehouse():
    assert ORDER.can_cancel
    assert replace(ORDER, suborders=(parcel("ASSIGNED"), parcel("CANCELLED"))).can_cancel
    assert not replace(ORDER, suborders=(parcel("ASSIGNED"), parcel("SHIPPED"))).can_cancel
    assert not replace(ORDER, status="SHIPPED").can_cancel
    assert not replace(ORDER, status="CANCELLED").can_cancel


def test_the_page_polls_until_the_order_is_delivered_or_cancelled_and_refunded():
    cancelled = replace(ORDER, status="CANCELLED", timeline=(event("cancelled"),))

    assert ORDER.keeps_changing_at(NOW) and replace(ORDER, status="SHIPPED").keeps_changing_at(NOW)
    assert not replace(ORDER, status="DELIVERED").keeps_changing_at(NOW)
    assert cancelled.keeps_changing_at(NOW)  # the refund is a moment behind the cancel
    refunded = replace(cancelled, timeline=(event("cancelled"), event("refunded")))
    assert not refunded.keeps_changing_at(NOW)
    assert not cancelled.keeps_changing_at(NOW + timedelta(hours=1))  # long ago: stop watching
    assert not replace(cancelled, total=0).keeps_changing_at(NOW)  # nothing to refund


def test_the_timeline_reads_in_words_and_skips_entries_it_cannot_read():
    entries = timeline_entries(
        [
            event("placed", detail="Paid $10.00"),
            {"event": "assigned", "at": "not a time", "detail": 42},
            "garbage",
            {"at": NOW.isoformat()},
            event("rerouted"),
        ]
    )

    assert [(e.label, e.detail) for e in entries] == [
        ("Order placed", "Paid $10.00"),
        ("Sent to a warehouse", ""),
        ("Rerouted", ""),
    ]
    assert entries[0].at == NOW and entries[1].at is None


def test_the_workflows_refusal_of_a_cancel_keeps_its_api_code():
    assert TABLE[cancel_refusal_kind("AlreadyShipped")].code == "already_shipped"
    assert TABLE[cancel_refusal_kind("NothingShipped")].code == "nothing_shipped"
    assert TABLE[cancel_refusal_kind("NothingUnshipped")].code == "nothing_unshipped"
    assert cancel_refusal_kind("SomethingElse") is RefusalKind.CANNOT_CANCEL
