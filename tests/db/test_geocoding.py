"""Shipping addresses are located offline, well enough to pick the nearest warehouse."""

from __future__ import annotations

import pytest

from catalog.generator import generate_warehouses
from db.geo.geocoding import (
    CITY,
    COUNTRY,
    POSTAL_CODE,
    country_code,
    locate,
    parse_address,
    resolve,
)
from domain.allocation import WarehouseSite, allocate
from domain.geo import haversine_km

pytestmark = pytest.mark.unit

SEATTLE = (47.6062, -122.3321)
BERLIN = (52.5200, 13.4050)


def _km(a, b):
    return haversine_km(a, b)


def test_a_seattle_zip_code_is_located_in_seattle():
    where = resolve({"line1": "1 Pike St", "postalCode": "98101", "country": "US"})
    assert where.precision == POSTAL_CODE
    assert _km((where.latitude, where.longitude), SEATTLE) < 5


def test_a_bare_zip_code_and_a_zip_plus_four_are_us_zip_codes():
    assert _km(locate("98101"), SEATTLE) < 5
    assert _km(locate({"postalCode": "98101-1234"}), SEATTLE) < 5


def test_berlin_germany_is_located_in_berlin():
    assert _km(locate("Berlin, DE"), BERLIN) < 10
    assert _km(locate({"city": "Berlin", "postalCode": "10115", "country": "Germany"}), BERLIN) < 10
    assert resolve("Berlin, DE").precision == CITY


def test_a_german_postal_code_without_a_country_is_not_taken_for_a_us_zip():
    assert _km(locate({"city": "Berlin", "postalCode": "10115"}), BERLIN) < 10


def test_the_country_decides_which_paris_is_meant():
    assert _km(locate({"city": "Paris", "country": "FR"}), (48.857, 2.352)) < 10
    assert _km(locate({"city": "Paris", "country": "US", "state": "TX"}), (33.66, -95.56)) < 10


def test_a_two_letter_state_is_not_mistaken_for_a_country():
    assert _km(locate("Los Angeles, CA"), (34.05, -118.24)) < 10
    assert _km(locate("Toronto, CA"), (43.65, -79.38)) < 15


def test_city_names_match_without_accents_or_in_their_other_spellings():
    munich = (48.137, 11.575)
    for spelling in ("München", "Munchen", "munich"):
        assert _km(locate({"city": spelling, "country": "DE"}), munich) < 10
    assert _km(locate({"city": "Koln", "country": "DE"}), (50.94, 6.96)) < 10


def test_another_spelling_matches_whole_never_by_its_beginning_or_a_part():
    # "Munch" begins "Munchen", "nche" is inside it: neither is any German city's name.
    for part in ("Munch", "nche", "Munchen Munchen"):
        assert resolve({"city": part, "country": "DE"}).precision == COUNTRY


def test_an_unknown_zip_code_falls_back_to_the_city():
    assert (
        _km(locate({"city": "Chicago", "postalCode": "00000", "country": "US"}), (41.88, -87.63))
        < 15
    )


def test_a_country_alone_is_located_at_its_population_centre():
    where = resolve({"city": "Nowhereville-on-Sea", "country": "DE"})
    assert where.precision == COUNTRY
    assert 47 < where.latitude < 55 and 6 < where.longitude < 15  # inside Germany
    fiji = locate({"country": "Fiji"})  # straddles the antimeridian
    assert -21 < fiji[0] < -15 and abs(fiji[1]) > 175


@pytest.mark.parametrize(
    "address",
    [
        {"city": "Nowhereville-on-Sea", "country": ""},
        {"city": "Qwxzzy", "country": "Atlantis"},
        {"line1": "1 Main St"},
        {},
        "",
        "Qwxzzy",
    ],
)
def test_an_address_nothing_is_known_about_is_not_located(address):
    assert locate(address) is None


def test_country_spellings():
    assert country_code("de") == "DE"
    assert country_code("DEU") == "DE"
    assert country_code("United Kingdom") == "GB"
    assert country_code("USA") == "US"
    assert country_code("Atlantis") is None
    assert country_code("") is None


def test_a_one_line_address_is_read_into_fields():
    assert parse_address("Seattle, WA 98101, USA") == {
        "city": "Seattle",
        "postalCode": "98101",
        "country": "USA",
        "state": "WA",
    }


def test_a_portland_shopper_is_served_from_the_seattle_warehouse():
    sites = [WarehouseSite(w.id, w.latitude, w.longitude) for w in generate_warehouses(8)]
    stock = {site.warehouse_id: {1: 5} for site in sites}
    destination = locate({"city": "Portland", "postalCode": "97201", "country": "US"})
    assert allocate([(1, 1)], destination, stock, sites)[0].warehouse_id == 1  # Seattle
    destination = locate({"city": "Berlin", "country": "DE"})
    assert allocate([(1, 1)], destination, stock, sites)[0].warehouse_id == 7  # Leipzig
