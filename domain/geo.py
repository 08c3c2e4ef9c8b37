"""Great-circle geometry for warehouse routing: pure math on (latitude, longitude) in degrees.

Good to well under 1 % on a spherical Earth, which is all nearest-warehouse routing needs.
"""

from __future__ import annotations

import math
from collections.abc import Iterable

# (latitude, longitude) in WGS84 degrees.
LatLon = tuple[float, float]

# The IUGG mean Earth radius.
EARTH_RADIUS_KM = 6371.0088


def haversine_km(a: LatLon, b: LatLon) -> float:
    """Great-circle distance between two points, in kilometres."""
    lat1, lon1 = map(math.radians, a)
    lat2, lon2 = map(math.radians, b)
    h = (
        math.sin((lat2 - lat1) / 2) ** 2
        + math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2
    )
    # min() guards against h creeping past 1.0 by rounding for antipodal points.
    return 2 * EARTH_RADIUS_KM * math.asin(math.sqrt(min(1.0, h)))


def weighted_centroid(points: Iterable[tuple[LatLon, float]]) -> LatLon | None:
    """The weighted centre of points on the sphere (e.g. a country's population centre).

    Averages unit vectors in 3-D, so it is right across the antimeridian (Fiji, Alaska),
    where averaging longitudes would land on the other side of the world. None when
    there are no points, no positive weight, or the points cancel out exactly.
    """
    x = y = z = total = 0.0
    for (lat, lon), weight in points:
        if weight <= 0:
            continue
        phi, lam = math.radians(lat), math.radians(lon)
        x += weight * math.cos(phi) * math.cos(lam)
        y += weight * math.cos(phi) * math.sin(lam)
        z += weight * math.sin(phi)
        total += weight
    if total == 0 or math.hypot(x, y, z) < 1e-12 * total:
        return None
    return math.degrees(math.atan2(z, math.hypot(x, y))), math.degrees(math.atan2(y, x))
