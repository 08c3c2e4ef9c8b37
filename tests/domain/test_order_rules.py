"""The order's statuses and its one cancel rule, as the shopper meets them."""

import pytest

from domain.order import (
    FINAL_ORDER_STATUSES,
    LOST,
    PLANNED,
    OrderStatus,
    SuborderStatus,
    can_cancel,
    has_shipped,
)

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
