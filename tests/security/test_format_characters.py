"""Format characters (Unicode category Cf) and controls never get into an address: a
right-to-left override would make warehouse staff read another address than the one
stored."""

from __future__ import annotations

import sys
import unicodedata

import pytest

from domain.addresses import AddressData, check_address

pytestmark = pytest.mark.unit

DATA = AddressData(country=lambda typed: "DE" if typed in ("DE", "Germany") else None,
                   us_zip_exists=lambda _: True)  # fmt: skip
GOOD = {"name": "Ada Lovelace", "line1": "Hauptstr. 1", "city": "Berlin",
        "postalCode": "10115", "country": "DE"}  # fmt: skip
EVERY_FORMAT_CHARACTER = [
    chr(c) for c in range(sys.maxunicode + 1) if unicodedata.category(chr(c)) == "Cf"
]


def test_a_plain_address_and_accented_names_pass():
    assert check_address({**GOOD, "name": "Zoë Ñúñez-Łukasz 王"}, DATA).ok


@pytest.mark.parametrize("field", ["name", "line1", "line2", "city"])
@pytest.mark.parametrize(
    "hidden",
    ["\u202e", "\u200b", "\u200d", "\u2066", "\ufeff", "\u00ad", "\x9b", "\x00"],
    ids=["RLO", "ZWSP", "ZWJ", "LRI", "BOM", "soft hyphen", "CSI (C1)", "NUL"],
)
def test_a_hidden_character_in_any_field_is_refused(field, hidden):
    check = check_address({**GOOD, field: f"Haupt{hidden}str. 1"}, DATA)
    assert not check.ok and "can't accept" in check.errors[field]


def test_every_format_character_of_unicode_is_refused():
    assert len(EVERY_FORMAT_CHARACTER) > 150
    accepted = [
        f"U+{ord(ch):04X}"
        for ch in EVERY_FORMAT_CHARACTER
        if check_address({**GOOD, "name": f"Ada{ch}Lovelace"}, DATA).ok
    ]
    assert accepted == []
