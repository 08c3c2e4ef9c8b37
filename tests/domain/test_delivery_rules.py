"""The delivery-date rule (domain/delivery.py, docs/delivery.md)."""

from __future__ import annotations

from datetime import date

import pytest

from domain.delivery import (
    delivery_days,
    order_arrival,
    parcel_arrival,
    parcel_arrival_from,
    promise_range,
    transit_days,
)
from domain.geo import haversine_km

pytestmark = pytest.mark.unit

LEIPZIG = (51.34, 12.37)
BERLIN = (52.52, 13.40)
MADRID = (40.42, -3.70)
SAN_FRANCISCO = (37.77, -122.42)


@pytest.mark.parametrize(
    ("km", "days"),
    [(0, 1), (300, 1), (300.1, 2), (1000, 2), (2999, 3), (3000, 3), (7999, 5), (8001, 7)],
)
def test_transit_days_grow_with_distance_by_band(km: float, days: int) -> None:
    assert transit_days(km) == days


def test_an_address_nobody_can_locate_gets_the_farthest_date() -> None:
    assert transit_days(None) == transit_days(20_000)


def test_a_negative_distance_is_refused() -> None:
    with pytest.raises(ValueError):
        transit_days(-1)


def test_leipzig_to_san_francisco_is_not_leipzig_to_berlin() -> None:
    monday = date(2026, 12, 7)
    near = parcel_arrival(monday, haversine_km(LEIPZIG, BERLIN))
    mid = parcel_arrival(monday, haversine_km(LEIPZIG, MADRID))
    far = parcel_arrival(monday, haversine_km(LEIPZIG, SAN_FRANCISCO))
    assert near == date(2026, 12, 9)  # one day to pack, one on the road
    assert mid == date(2026, 12, 11)  # ~1,500 km: three days on the road
    assert far == date(2026, 12, 15)  # ~9,100 km: seven days on the road
    assert near < mid < far


def test_an_order_arrives_with_its_latest_parcel() -> None:
    dates = [date(2026, 12, 9), None, date(2026, 12, 15), date(2026, 12, 11)]
    assert order_arrival(dates) == date(2026, 12, 15)
    assert order_arrival([None, None]) is None
    assert order_arrival([]) is None


def test_the_promise_range_is_what_the_rule_can_give() -> None:
    fewest, most = promise_range()
    assert fewest == delivery_days(0) == 2
    assert most == delivery_days(None) == 8
    assert all(fewest <= delivery_days(km) <= most for km in range(0, 21_000, 250))


def test_a_parcel_date_from_places_on_the_map() -> None:
    monday = date(2026, 12, 7)
    assert parcel_arrival_from(monday, LEIPZIG, BERLIN) == date(2026, 12, 9)
    assert parcel_arrival_from(monday, LEIPZIG, None) == date(2026, 12, 15)
