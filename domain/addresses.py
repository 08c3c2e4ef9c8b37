"""Is this a shipping address we can deliver to? One set of rules for the payment page, the
address book and the API, each problem said per field in the shopper's words.

Standard library only: the data behind the rules (which countries exist, which US ZIP
codes exist) is asked through two functions the caller passes in (`AddressData`), so the
rules test without the data packages and the data can change without touching them.

Fields use the API's names: name, line1, line2, city, postalCode, country. The country may
be typed as an ISO 3166 name or code and comes back as its alpha-2 code ("Germany" → DE).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

MAX_FIELD = 200  # the same bound as the checkout's own address check
FIELDS = ("name", "line1", "line2", "city", "postalCode", "country")
REQUIRED = ("name", "line1", "city", "postalCode", "country")
LABELS = {
    "name": "full name",
    "line1": "address line 1",
    "line2": "address line 2",
    "city": "city",
    "postalCode": "postal code",
    "country": "country",
}

# Territories whose postal codes are US ZIP codes.
US_ZIP_COUNTRIES = frozenset({"US", "PR", "VI", "GU", "AS", "MP"})

# Postal code formats where we know them: (pattern over the upper-cased code, an example).
# Countries not listed accept any code of reasonable shape (letters, digits, space, dash).
POSTAL_FORMATS: Mapping[str, tuple[str, str]] = {
    **{code: (r"\d{5}(-\d{4})?", "98101 or 98101-1234") for code in US_ZIP_COUNTRIES},
    "AR": (r"([A-Z]\d{4}[A-Z]{3}|\d{4})", "C1425 or C1425DKB"),
    "AT": (r"\d{4}", "1010"),
    "AU": (r"\d{4}", "2000"),
    "BE": (r"\d{4}", "1000"),
    "BR": (r"\d{5}-?\d{3}", "01310-100"),
    "CA": (r"[A-Z]\d[A-Z] ?\d[A-Z]\d", "K1A 0B1"),
    "CH": (r"\d{4}", "8001"),
    "CN": (r"\d{6}", "100000"),
    "CZ": (r"\d{3} ?\d{2}", "110 00"),
    "DE": (r"\d{5}", "10115"),
    "DK": (r"\d{4}", "1050"),
    "ES": (r"\d{5}", "28013"),
    "FI": (r"\d{5}", "00100"),
    "FR": (r"\d{5}", "75001"),
    "GB": (r"[A-Z]{1,2}\d[A-Z\d]? ?\d[A-Z]{2}", "SW1A 1AA"),
    "GR": (r"\d{3} ?\d{2}", "105 57"),
    "HU": (r"\d{4}", "1051"),
    "IE": (r"[A-Z\d]{3} ?[A-Z\d]{4}", "D02 X285"),
    "IL": (r"\d{7}", "6100000"),
    "IN": (r"\d{6}", "110001"),
    "IT": (r"\d{5}", "00184"),
    "JP": (r"\d{3}-?\d{4}", "100-0001"),
    "KR": (r"\d{5}", "04524"),
    "LU": (r"(L-)?\d{4}", "1009"),
    "MX": (r"\d{5}", "06000"),
    "NL": (r"\d{4} ?[A-Z]{2}", "1012 AB"),
    "NO": (r"\d{4}", "0150"),
    "NZ": (r"\d{4}", "6011"),
    "PL": (r"\d{2}-\d{3}", "00-950"),
    "PT": (r"\d{4}-\d{3}", "1000-001"),
    "RU": (r"\d{6}", "101000"),
    "SE": (r"\d{3} ?\d{2}", "114 55"),
    "SG": (r"\d{6}", "018956"),
    "SK": (r"\d{3} ?\d{2}", "811 01"),
    "TR": (r"\d{5}", "34000"),
    "ZA": (r"\d{4}", "2000"),
}
_ANY_POSTAL_CODE = re.compile(r"[A-Z0-9][A-Z0-9 -]{1,11}")


@dataclass(frozen=True)
class AddressData:
    """The lookups the rules need. `country` maps what a shopper typed (a name or a
    code) to an ISO 3166 alpha-2 code or None; `us_zip_exists` says whether a
    five-digit ZIP code is a real one."""

    country: Callable[[str], str | None]
    us_zip_exists: Callable[[str], bool]


@dataclass(frozen=True)
class AddressCheck:
    """The address cleaned up (stripped, country as alpha-2, postal code upper-cased), and
    a message for every field that is wrong. `ok` when there are none."""

    address: dict[str, str]
    errors: dict[str, str] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return not self.errors

    def summary(self) -> str:
        return " ".join(self.errors.values())


def has_hidden_characters(text: str) -> bool:
    """Control (Cc) or format (Cf) characters: NUL and the other controls, and the
    invisible ones that change how text reads without showing (right-to-left override,
    zero-width joiners, soft hyphen...). Warehouse staff read these addresses off a
    screen; what they read must be what was stored."""
    return any(unicodedata.category(ch) in ("Cc", "Cf") for ch in text)


def check_address(values: Mapping[str, object], data: AddressData) -> AddressCheck:
    """Every problem with an address (each field at most one), or none."""
    address: dict[str, str] = {}
    errors: dict[str, str] = {}
    for name in FIELDS:
        raw = values.get(name)
        if raw is None:
            raw = ""
        if not isinstance(raw, str):
            errors[name] = f"The {LABELS[name]} must be text."
            address[name] = ""
            continue
        text = " ".join(raw.split())  # collapse runs of spaces, tabs and newlines
        address[name] = text
        if name in REQUIRED and not text:
            errors[name] = f"Enter the {LABELS[name]}."
        elif len(text) > MAX_FIELD:
            errors[name] = f"The {LABELS[name]} is too long (at most {MAX_FIELD} characters)."
        elif has_hidden_characters(text):
            errors[name] = f"The {LABELS[name]} contains characters we can't accept."

    if "country" not in errors:
        code = data.country(address["country"])
        if code is None:
            errors["country"] = (
                f"We don't recognise the country {address['country']!r}: "
                "use its name or its two-letter code (e.g. Germany or DE)."
            )
        else:
            address["country"] = code
    if "postalCode" not in errors:
        address["postalCode"] = address["postalCode"].upper()
        if "country" not in errors:
            problem = postal_code_problem(address["postalCode"], address["country"], data)
            if problem:
                errors["postalCode"] = problem
    return AddressCheck(address, errors)


def postal_code_problem(postal_code: str, country: str, data: AddressData) -> str | None:
    """What is wrong with a postal code for a country (alpha-2), or None."""
    known = POSTAL_FORMATS.get(country)
    if known is None:
        if _ANY_POSTAL_CODE.fullmatch(postal_code):
            return None
        return "The postal code should be letters and digits (at most 12 characters)."
    pattern, example = known
    if not re.fullmatch(pattern, postal_code):
        return f"That is not a postal code of {country}: it looks like {example}."
    if country in US_ZIP_COUNTRIES and not data.us_zip_exists(postal_code[:5]):
        return f"There is no ZIP code {postal_code[:5]}: check the number."
    return None
