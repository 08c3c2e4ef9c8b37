"""Real places for warehouses: large US fulfilment hubs first, then European ones.

Coordinates are the city centres (WGS84), close enough for nearest-warehouse routing.
The order matters: a store with 8 warehouses gets the first 8, a sensible spread of
West Coast, South, Midwest, East Coast and two in Europe.
"""

from __future__ import annotations

from typing import NamedTuple


class Site(NamedTuple):
    city: str
    region: str  # "Seattle, WA, US"
    latitude: float
    longitude: float


WAREHOUSE_SITES: tuple[Site, ...] = (
    Site("Seattle", "Seattle, WA, US", 47.6062, -122.3321),
    Site("San Bernardino", "San Bernardino, CA, US", 34.1083, -117.2898),
    Site("Dallas", "Dallas, TX, US", 32.7767, -96.7970),
    Site("Chicago", "Chicago, IL, US", 41.8781, -87.6298),
    Site("Atlanta", "Atlanta, GA, US", 33.7490, -84.3880),
    Site("Edison", "Edison, NJ, US", 40.5187, -74.4121),
    Site("Leipzig", "Leipzig, Saxony, DE", 51.3397, 12.3731),
    Site("Coventry", "Coventry, England, GB", 52.4068, -1.5197),
    Site("Phoenix", "Phoenix, AZ, US", 33.4484, -112.0740),
    Site("Denver", "Denver, CO, US", 39.7392, -104.9903),
    Site("Louisville", "Louisville, KY, US", 38.2527, -85.7585),
    Site("Jacksonville", "Jacksonville, FL, US", 30.3322, -81.6557),
    Site("Columbus", "Columbus, OH, US", 39.9612, -82.9988),
    Site("Reno", "Reno, NV, US", 39.5296, -119.8138),
    Site("Memphis", "Memphis, TN, US", 35.1495, -90.0490),
    Site("Salt Lake City", "Salt Lake City, UT, US", 40.7608, -111.8910),
    Site("Madrid", "Madrid, Community of Madrid, ES", 40.4168, -3.7038),
    Site("Milan", "Milan, Lombardy, IT", 45.4642, 9.1900),
    Site("Lyon", "Lyon, Auvergne-Rhone-Alpes, FR", 45.7640, 4.8357),
    Site("Poznan", "Poznan, Greater Poland, PL", 52.4064, 16.9252),
)
