"""Card checks every gateway makes before charging: Luhn, brand, expiry, CVC."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from payments.cards import (
    EXPIRED_CARD,
    INVALID_CVC,
    INVALID_EXPIRY,
    INVALID_NUMBER,
    Expiry,
    card_brand,
    card_problem,
    is_expired,
    last4,
    luhn_valid,
    parse_expiry,
)
from payments.gateway import Card

pytestmark = pytest.mark.unit
NOW = datetime(2026, 11, 25, tzinfo=UTC)


@pytest.mark.parametrize(
    "number",
    [
        "4242 4242 4242 4242",
        "4000000000000002",
        "4000-0000-0000-9995",
        "5555555555554444",
        "378282246310005",
    ],
)
def test_well_known_test_numbers_pass_the_luhn_check(number):
    assert luhn_valid(number)


@pytest.mark.parametrize("number", ["4242424242424241", "1234", "", "4242x42424242424", "0" * 20])
def test_a_mistyped_number_fails_the_luhn_check(number):
    assert not luhn_valid(number)


@pytest.mark.parametrize(
    ("number", "brand"),
    [
        ("4242424242424242", "visa"),
        ("5555555555554444", "mastercard"),
        ("2223003122003222", "mastercard"),
        ("378282246310005", "amex"),
        ("6011111111111117", "discover"),
        ("9999999999999995", "card"),
    ],
)
def test_the_brand_is_read_from_the_leading_digits(number, brand):
    assert card_brand(number) == brand


def test_only_the_last_four_digits_are_kept_for_display():
    assert last4("4242 4242 4242 4242") == "4242"


def test_expiry_is_month_slash_two_or_four_digit_year():
    assert parse_expiry("07/29") == Expiry(7, 2029)
    assert parse_expiry(" 7 / 2029 ") == Expiry(7, 2029)
    assert (
        parse_expiry("13/29") is None and parse_expiry("0729") is None and parse_expiry("") is None
    )


def test_a_card_is_good_through_the_end_of_its_expiry_month():
    assert not is_expired(Expiry(11, 2026), NOW)
    assert is_expired(Expiry(10, 2026), NOW)


@pytest.mark.parametrize(
    ("number", "expiry", "cvc", "code"),
    [
        ("4242424242424241", "12/30", "123", INVALID_NUMBER),
        ("4242424242424242", "1230", "123", INVALID_EXPIRY),
        ("4242424242424242", "10/26", "123", EXPIRED_CARD),
        ("4242424242424242", "12/30", "12", INVALID_CVC),
        ("378282246310005", "12/30", "123", INVALID_CVC),  # amex wants four digits
    ],
)
def test_details_that_can_never_be_charged_are_named(number, expiry, cvc, code):
    assert card_problem(number, expiry, cvc, NOW).code == code


def test_good_details_have_no_problem():
    assert card_problem("378282246310005", "12/30", "1234", NOW) is None


def test_a_card_never_shows_its_number_or_cvc_in_a_log_line():
    shown = repr(Card("4242424242424242", "12/30", "987", "Ada"))
    assert "4242424242424242" not in shown and "987" not in shown
