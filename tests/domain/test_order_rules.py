"""The order's statuses and its one cancel rule, as the shopper meets them."""

import pytest

from domain.order import (
    FINAL_ORDER_STATUSES,
    LOST,
    PLANNED,
    OrderStatus,
    SuborderStatus,
    can_cancel,
    can_cancel_unshipped,
    has_shipped,
    unshipped_lines,
)
from domain.stock import Line

pytestmark = pytest.mark.unit

OS, SS = OrderStatus, SuborderStatus


def test_a_pending_order_whose_parcels_wait_in_their_warehouses_can_be_cancelled():
    assert can_cancel(OS.PENDING, [SS.ASSIGNED, PLANNED, SS.CANCELLED, LOST])


def test_one_shipped_parcel_is_enough_to_stop_a_cancel():
    assert not can_cancel(OS.PENDING, [SS.ASSIGNED, SS.SHIPPED])
    assert has_shipped(OS.PENDING, [SS.ASSIGNED, SS.SHIPPED])


def test_a_shipped_or_delivered_order_cannot_be_cancelled_even_without_its_parcels():
    for status in (OS.SHIPPED, OS.DELIVERED):
        assert has_shipped(status, []) and not can_cancel(status, [])


def test_a_cancelled_order_is_not_cancelled_again_but_has_not_shipped_either():
    assert not can_cancel(OS.CANCELLED, [SS.CANCELLED])
    assert not has_shipped(OS.CANCELLED, [SS.CANCELLED])


def test_statuses_read_back_from_plain_strings_still_follow_the_rule():
    assert can_cancel("PENDING", ["ASSIGNED"]) and not can_cancel("PENDING", ["DELIVERED"])


def test_delivered_and_cancelled_orders_are_final():
    assert FINAL_ORDER_STATUSES == {OS.DELIVERED, OS.CANCELLED}


# --- cancelling the parcels that have not shipped -------------------------------------

ORDERED = [Line(10, 1), Line(11, 2)]


def test_with_one_parcel_shipped_the_other_parcel_is_what_a_partial_cancel_takes():
    parcels = [(SS.SHIPPED, [Line(10, 1)]), (SS.ASSIGNED, [Line(11, 2)])]

    assert unshipped_lines(OS.PENDING, ORDERED, parcels) == (Line(11, 2),)
    assert can_cancel_unshipped(OS.PENDING, ORDERED, parcels)


def test_units_no_warehouse_holds_yet_are_taken_too_and_cancelled_parcels_count_for_nothing():
    parcels = [(SS.DELIVERED, [Line(11, 1)]), (SS.CANCELLED, [Line(10, 1)]), (LOST, [Line(11, 1)])]

    assert unshipped_lines(OS.PENDING, ORDERED, parcels) == (Line(10, 1), Line(11, 1))


def test_nothing_shipped_yet_is_a_whole_cancel_not_a_partial_one():
    parcels = [(SS.ASSIGNED, [Line(10, 1)]), (PLANNED, [Line(11, 2)])]

    assert unshipped_lines(OS.PENDING, ORDERED, parcels) == ()
    assert can_cancel(OS.PENDING, [status for status, _ in parcels])


def test_everything_shipped_leaves_nothing_to_cancel():
    parcels = [(SS.SHIPPED, [Line(10, 1)]), (SS.DELIVERED, [Line(11, 2)])]

    assert not can_cancel_unshipped(OS.PENDING, ORDERED, parcels)


def test_a_partly_cancelled_order_has_shipped_and_is_not_cancelled_again():
    parcels = [(SS.SHIPPED, [Line(10, 1)]), (SS.CANCELLED, [Line(11, 2)])]

    assert has_shipped(OS.PARTLY_CANCELLED, [])
    assert not can_cancel(OS.PARTLY_CANCELLED, [SS.SHIPPED, SS.CANCELLED])
    assert unshipped_lines(OS.PARTLY_CANCELLED, ORDERED, parcels) == ()
    assert OS.PARTLY_CANCELLED not in FINAL_ORDER_STATUSES  # it ends DELIVERED


def test_cancelled_and_delivered_orders_offer_no_partial_cancel():
    parcels = [(SS.SHIPPED, [Line(10, 1)]), (SS.ASSIGNED, [Line(11, 2)])]
    for status in (OS.CANCELLED, OS.DELIVERED, OS.SHIPPED):
        assert unshipped_lines(status, ORDERED, parcels) == ()
