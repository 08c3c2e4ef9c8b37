"""Returns within 30 days of delivery, and the refund cap, as a shopper and an operator meet them."""

from datetime import UTC, datetime, timedelta

import pytest

from domain.refusals import Refusal, RefusalKind
from domain.returns import (
    DeliveredParcel,
    ParcelReturn,
    check_reason,
    check_refund,
    operator_refund,
    plan_return,
    refund_for,
    refundable,
    returnable_now,
)

pytestmark = pytest.mark.unit

NOW = datetime(2026, 12, 6, 12, 0, tzinfo=UTC)
PRICES = {7: 1_000, 8: 250}


def parcel(sid="O-S1", warehouse=1, days_ago=3, lines=None, returned=None):
    return DeliveredParcel(
        suborder_id=sid,
        warehouse_id=warehouse,
        delivered_at=NOW - timedelta(days=days_ago),
        lines=lines or {7: 2, 8: 1},
        returned=returned or {},
    )


def test_a_delivered_line_returned_within_30_days_refunds_its_price():
    planned = plan_return({7: 1}, [parcel()], PRICES, NOW)
    assert planned == [ParcelReturn("O-S1", 1, ((7, 1),), 1_000)]


def test_the_thirtieth_day_is_still_inside_the_window_and_the_next_moment_is_not():
    assert isinstance(plan_return({7: 1}, [parcel(days_ago=30)], PRICES, NOW), list)
    late = plan_return({7: 1}, [parcel(days_ago=30)], PRICES, NOW + timedelta(seconds=1))
    assert isinstance(late, Refusal) and late.kind is RefusalKind.RETURN_WINDOW_CLOSED
    assert "closed on" in late.message


def test_nothing_can_be_returned_before_anything_is_delivered():
    refused = plan_return({7: 1}, [], PRICES, NOW)
    assert isinstance(refused, Refusal) and refused.kind is RefusalKind.NOT_DELIVERED_YET


def test_more_than_was_delivered_is_refused_with_what_is_possible():
    refused = plan_return({7: 3}, [parcel()], PRICES, NOW)
    assert isinstance(refused, Refusal) and refused.kind is RefusalKind.RETURN_TOO_MANY
    assert "only 2" in refused.message


def test_units_already_returned_cannot_be_returned_again():
    refused = plan_return({7: 1}, [parcel(returned={7: 2})], PRICES, NOW)
    assert isinstance(refused, Refusal) and refused.kind is RefusalKind.RETURN_TOO_MANY
    assert plan_return({7: 1}, [parcel(returned={7: 1})], PRICES, NOW) == [
        ParcelReturn("O-S1", 1, ((7, 1),), 1_000)
    ]


def test_an_item_the_order_never_delivered_is_refused():
    refused = plan_return({99: 1}, [parcel()], PRICES, NOW)
    assert isinstance(refused, Refusal) and refused.kind is RefusalKind.RETURN_TOO_MANY
    assert "not among" in refused.message


def test_units_of_two_parcels_become_one_return_per_parcel_and_warehouse():
    parcels = [
        parcel("O-S1", warehouse=1, lines={7: 1}),
        parcel("O-S2", warehouse=2, lines={7: 1, 8: 2}, days_ago=1),
    ]
    planned = plan_return({7: 2, 8: 1}, parcels, PRICES, NOW)
    assert planned == [
        ParcelReturn("O-S1", 1, ((7, 1),), 1_000),
        ParcelReturn("O-S2", 2, ((7, 1), (8, 1)), 1_250),
    ]


def test_the_newest_parcel_gives_its_units_first():
    parcels = [parcel("O-S1", lines={7: 1}, days_ago=9), parcel("O-S2", lines={7: 1}, days_ago=1)]
    assert [r.suborder_id for r in plan_return({7: 1}, parcels, PRICES, NOW)] == ["O-S2"]


def test_a_parcel_past_its_window_says_so_when_the_open_one_is_too_small():
    parcels = [parcel("O-S1", lines={7: 1}, days_ago=40), parcel("O-S2", lines={7: 1})]
    refused = plan_return({7: 2}, parcels, PRICES, NOW)
    assert isinstance(refused, Refusal) and refused.kind is RefusalKind.RETURN_TOO_MANY
    assert "more than 30 days ago" in refused.message


def test_a_refund_is_the_price_paid_for_each_unit():
    assert refund_for({7: 2, 8: 3}, PRICES) == 2_750


def test_no_refund_gives_back_more_than_was_captured_minus_refunded():
    assert refundable(5_000, 4_000) == 1_000
    assert check_refund(1_000, 5_000, 4_000) is None
    refused = check_refund(1_001, 5_000, 4_000)
    assert refused is not None and refused.kind is RefusalKind.REFUND_TOO_MUCH
    assert "$10.00" in refused.message
    assert refundable(5_000, 6_000) == 0


def test_a_reason_is_required_and_kept_short():
    assert check_reason("  too small ") == "too small"
    assert check_reason("") is None and check_reason("   ") is None
    assert check_reason(None) is None and check_reason(3) is None
    assert check_reason("x" * 501) is None


def test_the_order_page_offers_what_open_parcels_still_hold():
    parcels = [
        parcel("O-S1", lines={7: 2, 8: 1}, returned={7: 1}),
        parcel("O-S2", lines={7: 5}, days_ago=31),
    ]
    assert returnable_now(parcels, NOW) == {7: 1, 8: 1}


ORDERED = {7: (2, 1_000), 8: (1, 250)}


def test_an_operator_refunds_lines_at_the_price_they_were_bought_for():
    assert operator_refund({7: 1, 8: 1}, ORDERED, 2_250, 0) == 1_250


def test_an_operator_refund_without_lines_gives_back_all_that_is_left():
    assert operator_refund(None, ORDERED, 2_250, 1_000) == 1_250
    nothing = operator_refund(None, ORDERED, 2_250, 2_250)
    assert isinstance(nothing, Refusal) and nothing.kind is RefusalKind.REFUND_TOO_MUCH


def test_an_operator_cannot_refund_more_units_than_bought_nor_past_the_cap():
    more = operator_refund({7: 3}, ORDERED, 2_250, 0)
    assert isinstance(more, Refusal) and "holds 2" in more.message
    assert isinstance(operator_refund({99: 1}, ORDERED, 2_250, 0), Refusal)
    capped = operator_refund({7: 2}, ORDERED, 2_250, 1_000)
    assert isinstance(capped, Refusal) and capped.kind is RefusalKind.REFUND_TOO_MUCH
