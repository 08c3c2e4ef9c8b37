"""The design write-up's `filter` parameter: `field:value` terms joined by commas.

    filter=category:Kitchen,brand:Acme|Kestrel,price:1000..5000,inStock:true

    category:<name>            one category
    brand:<a>|<b>|...          any of these brands
    price:<min>..<max>         cents, inclusive; either end may be left out (price:..2500)
    inStock:true|false

Terms are ANDed. A value containing `,` or `|` is written in double quotes (it cannot
itself contain one): `brand:"Comma, Inc"|"Or || Else"`. Field names are
case-insensitive. Each term becomes the `SearchQuery` field the separate parameters
fill (so the cache key, the cursor and the Typesense escaping are the very same), and
is validated by it; every refusal names the term it is about.
"""

from __future__ import annotations

import re
from typing import Any

from pydantic import ValidationError

from db.search.query import InvalidSearch, SearchQuery

MAX_FILTER_LENGTH = 2_000
_CENTS = re.compile(r"[0-9]+")


class InvalidFilter(InvalidSearch):
    """A bad `filter` term (code `invalid_filter`) or one that clashes with a separate
    parameter (code `conflicting_filter`)."""

    def __init__(self, message: str, code: str = "invalid_filter") -> None:
        super().__init__(message)
        self.code = code


# filter field -> (SearchQuery fields it fills, separate parameters that fill them too)
FIELDS: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    "category": (("category",), ("category",)),
    "brand": (("brands",), ("brand",)),
    "price": (("min_price", "max_price"), ("minPrice", "maxPrice", "minDollars", "maxDollars")),
    "inStock": (("in_stock",), ("inStock",)),
}
_BY_LOWER = {name.lower(): name for name in FIELDS}


def parse_filter(raw: str | None) -> dict[str, tuple[str, dict[str, Any]]]:
    """{field: (the term as written, its SearchQuery values)}; {} for no filter."""
    if raw is None or not raw.strip():
        return {}
    if len(raw) > MAX_FILTER_LENGTH:
        raise InvalidFilter(f"filter must be at most {MAX_FILTER_LENGTH} characters.")
    parsed: dict[str, tuple[str, dict[str, Any]]] = {}
    for term, values in _terms(raw):
        field, _, _ = term.partition(":")
        name = _BY_LOWER.get(field.strip().lower())
        if ":" not in term or not field.strip():
            raise InvalidFilter(
                f"filter term {_shown(term)!r} must be field:value (e.g. brand:Acme or price:..2500)."
            )
        if name is None:
            raise InvalidFilter(
                f"filter term {_shown(term)!r}: unknown field {field.strip()!r}; "
                f"use {', '.join(FIELDS)}."
            )
        if name in parsed:
            raise InvalidFilter(
                f"filter names {name} twice ({_shown(parsed[name][0])!r} and {_shown(term)!r}); give one term "
                "per field (brand:a|b for any of several brands)."
            )
        parsed[name] = (term, _validated(name, term, values))
    return parsed


def conflicting(parsed: dict[str, tuple[str, dict[str, Any]]], given: set[str]) -> None:
    """Refuse a field given both in `filter` and as its own parameter(s) (`given`)."""
    for name, (term, _) in parsed.items():
        clash = [param for param in FIELDS[name][1] if param in given]
        if clash:
            raise InvalidFilter(
                f"{name} is given twice: in filter ({_shown(term)!r}) and as {clash[0]}=; give it once.",
                code="conflicting_filter",
            )


def _shown(term: str) -> str:
    return term if len(term) <= 80 else term[:77] + "..."


def _validated(name: str, term: str, values: list[str]) -> dict[str, Any]:
    if any(not value.strip() for value in values):
        raise InvalidFilter(f"filter term {_shown(term)!r} has an empty value.")
    if name == "brand":
        fields: dict[str, Any] = {"brands": values}
    elif len(values) > 1:
        raise InvalidFilter(f"filter term {_shown(term)!r}: {name} takes one value (no |).")
    elif name == "category":
        fields = {"category": values[0]}
    elif name == "inStock":
        if values[0].strip().lower() not in {"true", "false"}:
            raise InvalidFilter(f"filter term {_shown(term)!r}: inStock must be true or false.")
        fields = {"in_stock": values[0]}
    else:
        fields = _price_range(term, values[0])
    try:
        query = SearchQuery.model_validate(fields)
    except ValidationError as exc:
        reasons = "; ".join(str(error.get("msg", "invalid value")) for error in exc.errors())
        raise InvalidFilter(f"filter term {_shown(term)!r}: {reasons}.") from None
    return {field: getattr(query, field) for field in FIELDS[name][0]}


def _price_range(term: str, value: str) -> dict[str, Any]:
    low, dots, high = value.strip().partition("..")
    if not dots or (not low and not high):
        raise InvalidFilter(
            f"filter term {_shown(term)!r}: price is a range of cents, min..max, either end optional "
            "(price:1000..5000, price:1000.., price:..5000)."
        )
    for bound in (low, high):
        if bound and not _CENTS.fullmatch(bound):
            raise InvalidFilter(
                f"filter term {_shown(term)!r}: {bound[:40]!r} is not a whole number of cents."
            )
    return {"min_price": low or None, "max_price": high or None}


def _terms(raw: str) -> list[tuple[str, list[str]]]:
    """Split on commas (terms) and, after the field's colon, on `|` (alternatives); text
    in double quotes is literal. Each term comes back as written, with its values."""
    terms: list[tuple[str, list[str]]] = []
    term_text, values, current = "", [], ""
    in_field, quoted, was_quoted, start = True, False, False, 0
    for index, char in enumerate(raw + ","):
        at_end = index == len(raw)
        if quoted and not at_end:
            if char == '"':
                quoted = False
            else:
                current += char
            continue
        if quoted:  # the end came inside quotes
            raise InvalidFilter(f"filter term {raw[start:].strip()!r} has an unclosed quote.")
        if char == ",":
            term_text = raw[start:index].strip()
            if not term_text:
                raise InvalidFilter(
                    "filter has an empty term (two commas in a row, or one at an end)."
                )
            values.append(current if was_quoted else current.strip())
            terms.append((term_text, values if not in_field else []))
            values, current, in_field, was_quoted, start = [], "", True, False, index + 1
        elif in_field:
            if char == ":":
                in_field = False
                current = ""
        elif char == "|":
            values.append(current if was_quoted else current.strip())
            current, was_quoted = "", False
        elif char == '"' and not current.strip():
            quoted, was_quoted, current = True, True, ""
        elif was_quoted and not char.isspace():
            raise InvalidFilter(
                f"filter term {raw[start:].split(',')[0].strip()!r}: text after a closing quote."
            )
        else:
            current += char
    return terms
