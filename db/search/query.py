"""What a shopper asked for, validated and normalised.

`SearchQuery` is the identity of a search (text + filters + sort): two spellings of
the same search compare equal, share cache entries and share cursors. `SearchRequest`
adds the page window (limit, cursor). Every rejection is one readable sentence
that names the query-string parameter (see args.py for the query-string side).
"""

from __future__ import annotations

import hashlib
import json
import re
import unicodedata
from enum import StrEnum
from typing import Any

import orjson
from pydantic import BaseModel, ConfigDict, field_validator, model_validator
from pydantic_core import PydanticCustomError

MAX_QUERY_LENGTH = 200
MAX_FILTER_VALUE_LENGTH = 100  # the width of items.brand / items.category
MAX_BRANDS = 20
MAX_PRICE_CENTS = 2_147_483_647  # Typesense stores price as int32
DEFAULT_LIMIT = 20
MAX_LIMIT = 100
MAX_CURSOR_LENGTH = 256

_WHOLE_NUMBER = re.compile(r"-?[0-9]+")  # not int(): it also takes "1_000", " 7", "٧"


class InvalidSearch(ValueError):
    """Bad input; the message is written for the shopper or API client and becomes a 400."""


class SortOrder(StrEnum):
    RELEVANCE = "relevance"
    PRICE_ASC = "price_asc"
    PRICE_DESC = "price_desc"
    RATING = "rating"


def _invalid(message: str, **context: Any) -> PydanticCustomError:
    return PydanticCustomError("invalid_search", message, context)


def _clean_text(value: str) -> str:
    # Control characters never mean anything in a product search; whitespace runs
    # collapse so "usb  cable" and "usb cable " are the same search.
    # Checked per character only when needed: a printable string has none (isprintable
    # is false for every "C" category), and that check is one C call, not a loop.
    if value.isprintable():
        visible = value
    else:
        visible = "".join(" " if unicodedata.category(ch)[0] == "C" else ch for ch in value)
    return " ".join(visible.split())


def _filter_value(value: Any, param: str) -> str:
    if not isinstance(value, str):
        raise _invalid("{param} must be text", param=param)
    cleaned = _clean_text(value)
    if "`" in cleaned:
        # Filter values are backtick-quoted for Typesense, and 0.24 has no way to
        # escape a backtick inside them, so one can never be part of a value.
        raise _invalid("{param} must not contain a backtick (`)", param=param)
    if cleaned.endswith("\\"):
        # Typesense 0.24 reads a backslash before a backtick as an escape, and a doubled
        # backslash does not undo it: a value ending in one would swallow its closing
        # backtick and the values after it (db/search/filters.py).
        raise _invalid("{param} must not end with a backslash (\\)", param=param)
    if len(cleaned) > MAX_FILTER_VALUE_LENGTH:
        raise _invalid(
            "{param} must be at most {limit} characters", param=param, limit=MAX_FILTER_VALUE_LENGTH
        )
    return cleaned


def _bounded_int(text: str, ceiling: int) -> int:
    """int(text), but a number with absurdly many digits becomes just past `ceiling`.

    (Python refuses to parse more than 4300 digits, and nothing here needs more than 10.)
    """
    if len(text.lstrip("-")) > len(str(ceiling)):
        return -(ceiling + 1) if text.startswith("-") else ceiling + 1
    return int(text)


def _cents(value: Any, param: str) -> int | None:
    if value is None or value == "":
        return None
    if isinstance(value, bool):
        raise _invalid("{param} must be a whole number of cents", param=param)
    if isinstance(value, str):
        text = value.strip()
        if not _WHOLE_NUMBER.fullmatch(text):
            raise _invalid(
                "{param} must be a whole number of cents (e.g. 1999 for $19.99), got {value}",
                param=param,
                value=repr(value[:40]),
            )
        value = _bounded_int(text, MAX_PRICE_CENTS)
    if not isinstance(value, int):
        raise _invalid("{param} must be a whole number of cents", param=param)
    if value < 0:
        raise _invalid("{param} must not be negative", param=param)
    if value > MAX_PRICE_CENTS:
        raise _invalid("{param} must be at most {limit} cents", param=param, limit=MAX_PRICE_CENTS)
    return value


class SearchQuery(BaseModel):
    """The identity of a search: text, filters and sort (not the page window)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    text: str = ""
    category: str | None = None
    brands: tuple[str, ...] = ()  # any of these brands; kept sorted and unique
    min_price: int | None = None  # cents, inclusive
    max_price: int | None = None  # cents, inclusive
    in_stock: bool | None = None  # None: either; True: only in stock; False: only sold out
    sort: SortOrder = SortOrder.RELEVANCE

    @field_validator("text", mode="before")
    @classmethod
    def _text(cls, value: Any) -> str:
        if value is None:
            return ""
        if not isinstance(value, str):
            raise _invalid("query must be text")
        if len(value) > MAX_QUERY_LENGTH:
            raise _invalid(
                "query must be at most {limit} characters (got {length})",
                limit=MAX_QUERY_LENGTH,
                length=len(value),
            )
        return _clean_text(value)

    @field_validator("category", mode="before")
    @classmethod
    def _category(cls, value: Any) -> str | None:
        if value is None:
            return None
        return _filter_value(value, "category") or None

    @field_validator("brands", mode="before")
    @classmethod
    def _brands(cls, value: Any) -> tuple[str, ...]:
        if value is None:
            return ()
        if isinstance(value, str):
            value = [value]
        cleaned = {_filter_value(brand, "brand") for brand in value}
        cleaned.discard("")
        if len(cleaned) > MAX_BRANDS:
            raise _invalid("At most {limit} brands can be selected at once", limit=MAX_BRANDS)
        return tuple(sorted(cleaned))

    @field_validator("min_price", mode="before")
    @classmethod
    def _min_price(cls, value: Any) -> int | None:
        return _cents(value, "minPrice")

    @field_validator("max_price", mode="before")
    @classmethod
    def _max_price(cls, value: Any) -> int | None:
        return _cents(value, "maxPrice")

    @field_validator("in_stock", mode="before")
    @classmethod
    def _in_stock(cls, value: Any) -> bool | None:
        if value is None or value == "" or isinstance(value, bool):
            return value if value != "" else None
        if isinstance(value, str) and value.strip().lower() in {"true", "1"}:
            return True
        if isinstance(value, str) and value.strip().lower() in {"false", "0"}:
            return False
        raise _invalid("inStock must be true or false")

    @field_validator("sort", mode="before")
    @classmethod
    def _sort(cls, value: Any) -> SortOrder:
        if value is None or value == "":
            return SortOrder.RELEVANCE
        try:
            return SortOrder(value)
        except ValueError:
            choices = ", ".join(order.value for order in SortOrder)
            raise _invalid("sort must be one of {choices}", choices=choices) from None

    @model_validator(mode="after")
    def _price_range(self) -> SearchQuery:
        if self.min_price is not None and self.max_price is not None:
            if self.min_price > self.max_price:
                raise _invalid("The minimum price must not be greater than the maximum price")
        return self

    @property
    def has_text(self) -> bool:
        return bool(self.text) and self.text != "*"

    @property
    def has_filters(self) -> bool:
        return bool(self.category or self.brands) or any(
            bound is not None for bound in (self.min_price, self.max_price, self.in_stock)
        )

    def fingerprint(self) -> str:
        """Stable hash of everything that changes the result set or its order."""
        return _fingerprint(self.model_dump(mode="json"), self.text)

    def facets_fingerprint(self) -> str:
        """Stable hash of what changes the facet counts: text and filters, not the sort."""
        return _fingerprint(self.model_dump(mode="json", exclude={"sort"}), self.text)


def _fingerprint(canonical: dict[str, Any], text: str) -> str:
    canonical["text"] = text.lower()  # Typesense matching ignores case
    # The text signed cursors carry, so it must never change: orjson writes the same
    # bytes as json.dumps(sort_keys, compact) for ASCII, and is 15x faster on every search;
    # the stdlib escapes anything else ("é" becomes \u00e9), so non-ASCII goes its way.
    blob = orjson.dumps(canonical, option=orjson.OPT_SORT_KEYS)
    if not blob.isascii():
        blob = json.dumps(canonical, sort_keys=True, separators=(",", ":")).encode()
    return hashlib.sha256(blob).hexdigest()[:32]


class SearchRequest(BaseModel):
    """A search plus the window of results wanted."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    query: SearchQuery
    limit: int | None = None  # None: the cursor's limit, else DEFAULT_LIMIT
    cursor: str | None = None

    @field_validator("limit", mode="before")
    @classmethod
    def _limit(cls, value: Any) -> int | None:
        if value is None or value == "":
            return None
        text = str(value).strip()
        if (
            isinstance(value, bool)
            or not _WHOLE_NUMBER.fullmatch(text)
            or not (1 <= _bounded_int(text, MAX_LIMIT) <= MAX_LIMIT)
        ):
            raise _invalid(
                "limit must be a whole number from 1 to {max}, got {value}",
                max=MAX_LIMIT,
                value=repr(str(value)[:40]),
            )
        return int(text)

    @field_validator("cursor", mode="before")
    @classmethod
    def _cursor(cls, value: Any) -> str | None:
        if value is None or value == "":
            return None
        if not isinstance(value, str) or len(value) > MAX_CURSOR_LENGTH:
            raise _invalid("nextCursor is not valid; start again without it")
        return value
