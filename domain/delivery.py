"""When a parcel arrives: the delivery-date rule (docs/delivery.md).

A parcel's date is the day its warehouse took it, plus one day to pick and pack, plus
the transit days its distance to the shipping address costs. The bands are the
carriers' road and air legs as a shopper meets them: next-door regions overnight,
one continent in two or three days, another continent in five, the far side of the
world in seven. An address that cannot be located gets the far-side date, so the
promise is never earlier than the truth.

An order arrives with its last parcel. A cancelled parcel has no date; a delivered one
has the day it was delivered.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, timedelta

from domain.geo import LatLon, haversine_km

# Picking and packing: a parcel leaves the warehouse the day after it was assigned.
DISPATCH_DAYS = 1
# (up to this many kilometres, this many days in transit), nearest first.
TRANSIT_BANDS: tuple[tuple[float, int], ...] = (
    (300.0, 1),
    (1_000.0, 2),
    (3_000.0, 3),
    (8_000.0, 5),
)
# Beyond the last band, and for an address no one can place on the map.
FAR_TRANSIT_DAYS = 7


def transit_days(distance_km: float | None) -> int:
    """Days on the road for this distance; None (not located) counts as the farthest."""
    if distance_km is None:
        return FAR_TRANSIT_DAYS
    if distance_km < 0:
        raise ValueError("a distance cannot be negative")
    for up_to_km, days in TRANSIT_BANDS:
        if distance_km <= up_to_km:
            return days
    return FAR_TRANSIT_DAYS


def delivery_days(distance_km: float | None) -> int:
    """Days from assignment to the shopper's door."""
    return DISPATCH_DAYS + transit_days(distance_km)


def parcel_arrival(assigned_on: date, distance_km: float | None) -> date:
    """The date a parcel assigned on `assigned_on`, travelling this far, arrives by."""
    return assigned_on + timedelta(days=delivery_days(distance_km))


def parcel_arrival_from(assigned_on: date, warehouse: LatLon, address: LatLon | None) -> date:
    """The date for a parcel from this warehouse to this (located, or not) address."""
    distance = None if address is None else haversine_km(warehouse, address)
    return parcel_arrival(assigned_on, distance)


def order_arrival(parcel_dates: Iterable[date | None]) -> date | None:
    """An order arrives with its latest parcel; None when no parcel has a date."""
    dates = [d for d in parcel_dates if d is not None]
    return max(dates) if dates else None


def promise_range() -> tuple[int, int]:
    """The fewest and the most days the rule ever gives (what the home page may promise)."""
    return delivery_days(0.0), delivery_days(None)
