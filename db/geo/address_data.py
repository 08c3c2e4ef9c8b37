"""The data behind domain/addresses.py, offline: ISO 3166 from `pycountry`, US ZIP codes
from `zipcodes` (both ship their data in the wheel; nothing is fetched)."""

from __future__ import annotations

import re
from functools import cache, lru_cache

from domain.addresses import AddressData

# What shoppers type that is neither an ISO name nor a code (ISO's name for the US is
# "United States", for the UK "United Kingdom"); geocoding reads it too.
COUNTRY_ALIASES = {
    "espana": "ES",
    "italia": "IT",
    "polska": "PL",
    "schweiz": "CH",
    "osterreich": "AT",
    "usa": "US",
    "u.s.": "US",
    "u.s.a.": "US",
    "united states of america": "US",
    "america": "US",
    "uk": "GB",
    "u.k.": "GB",
    "great britain": "GB",
    "britain": "GB",
    "england": "GB",
    "scotland": "GB",
    "wales": "GB",
    "northern ireland": "GB",
    "deutschland": "DE",
    "holland": "NL",
    "the netherlands": "NL",
    "russia": "RU",
    "south korea": "KR",
    "korea": "KR",
    "czech republic": "CZ",
    "vietnam": "VN",
}


@lru_cache(maxsize=4096)
def country_alpha2(text: str) -> str | None:
    """ISO 3166-1 alpha-2 for a code ("de", "DEU") or an English name; None if unknown."""
    import pycountry

    key = " ".join(text.split())
    if not key:
        return None
    if key.casefold() in COUNTRY_ALIASES:
        return COUNTRY_ALIASES[key.casefold()]
    try:
        return pycountry.countries.lookup(key).alpha_2
    except LookupError:
        return None


_ZIP5 = re.compile(r"\d{5}")


def us_zip_exists(zip5: str) -> bool:
    return bool(_ZIP5.fullmatch(zip5)) and zip5 in _known_zips()


@cache
def _known_zips() -> frozenset[str]:
    import zipcodes

    return frozenset(entry["zip_code"] for entry in zipcodes.list_all())


ADDRESS_DATA = AddressData(country=country_alpha2, us_zip_exists=us_zip_exists)
