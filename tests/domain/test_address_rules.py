"""A shipping address is one we can deliver to: a real country, a postal code of that
country's shape, a ZIP code that exists; every problem said on its own field."""

from __future__ import annotations

import pytest

from domain.addresses import AddressData, check_address

pytestmark = pytest.mark.unit

# The rules alone, over a tiny stand-in for the data.
TINY = AddressData(
    country=lambda text: {"germany": "DE", "de": "DE", "us": "US", "fr": "FR"}.get(text.casefold()),
    us_zip_exists=lambda zip5: zip5 == "98101",
)
GOOD = {
    "name": "Ada Shopper",
    "line1": "1 Main St",
    "line2": "",
    "city": "Seattle",
    "postalCode": "98101",
    "country": "US",
}


def test_a_good_address_passes_and_comes_back_tidy():
    check = check_address({**GOOD, "city": "  Seattle ", "country": "us"}, TINY)
    assert check.ok
    assert check.address == {**GOOD}


def test_every_missing_field_gets_its_own_message():
    check = check_address({"line2": "flat 2"}, TINY)
    assert set(check.errors) == {"name", "line1", "city", "postalCode", "country"}
    assert check.errors["city"] == "Enter the city."


def test_a_country_name_becomes_its_two_letter_code():
    check = check_address({**GOOD, "country": "Germany", "postalCode": "10115"}, TINY)
    assert check.ok and check.address["country"] == "DE"


def test_narnia_is_not_a_country_and_the_postal_code_is_not_judged_against_it():
    check = check_address({**GOOD, "country": "Narnia"}, TINY)
    assert list(check.errors) == ["country"]
    assert "Narnia" in check.errors["country"]


def test_wrong_types_and_control_characters_are_refused_per_field():
    check = check_address({**GOOD, "city": 7, "name": "Ada\x00"}, TINY)
    assert check.errors["city"] == "The city must be text."
    assert "characters" in check.errors["name"]


def test_a_field_too_long_is_refused():
    assert "too long" in check_address({**GOOD, "line2": "x" * 201}, TINY).errors["line2"]


def test_a_well_formed_zip_that_does_not_exist_is_refused():
    check = check_address({**GOOD, "postalCode": "00000"}, TINY)
    assert check.errors == {"postalCode": "There is no ZIP code 00000: check the number."}


# The same rules over the real offline data (pycountry + zipcodes), one row per country.
@pytest.fixture(scope="module")
def real():
    from db.geo.address_data import ADDRESS_DATA

    return ADDRESS_DATA


@pytest.mark.parametrize(
    ("country", "postal_code", "expect_country", "problem"),
    [
        ("US", "98101", "US", None),
        ("United States", "98101-1234", "US", None),
        ("USA", "10001", "US", None),
        ("US", "9810", "US", "looks like 98101"),
        ("US", "00000", "US", "There is no ZIP code 00000"),
        ("Puerto Rico", "00901", "PR", None),
        ("DE", "10115", "DE", None),
        ("Germany", "1011", "DE", "looks like 10115"),
        ("deu", "10115", "DE", None),
        ("United Kingdom", "sw1a 1aa", "GB", None),
        ("UK", "SW1A1AA", "GB", None),
        ("GB", "12345", "GB", "looks like SW1A 1AA"),
        ("Canada", "K1A 0B1", "CA", None),
        ("CA", "12345", "CA", "looks like K1A 0B1"),
        ("Netherlands", "1012 AB", "NL", None),
        ("France", "75001", "FR", None),
        ("Japan", "100-0001", "JP", None),
        ("Poland", "00950", "PL", "looks like 00-950"),
        ("Brazil", "01310-100", "BR", None),
        ("India", "110001", "IN", None),
        ("Kenya", "00100", "KE", None),  # no known format: any tidy code
        ("Kenya", "!!", "KE", "letters and digits"),
    ],
)
def test_addresses_per_country(real, country, postal_code, expect_country, problem):
    check = check_address({**GOOD, "country": country, "postalCode": postal_code}, real)
    assert check.address["country"] == expect_country
    if problem is None:
        assert check.ok, check.errors
    else:
        assert problem in check.errors["postalCode"]


@pytest.mark.parametrize("country", ["Narnia", "XX", "Atlantis", "U"])
def test_countries_that_do_not_exist_are_refused(real, country):
    assert "country" in check_address({**GOOD, "country": country}, real).errors
