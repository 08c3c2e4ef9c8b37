"""Query-string arguments -> `SearchRequest`, for the API and the browser form.

Prices are integer cents in the API (`minPrice`, `maxPrice`). The browser form
speaks dollars (`minDollars`, `maxDollars`, e.g. "12.50"), converted here.
Unknown arguments are ignored (tracking parameters, htmx extras); an argument given
twice with different values is refused rather than guessed at. `filter` (the design
write-up's `field:value,...` terms, filter_param.py) fills the same fields, so a search
spelt either way is one search (cache key, cursor); a field given both ways is refused.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from decimal import Decimal, InvalidOperation
from typing import Any, Literal, Protocol

from pydantic import ValidationError

from db.search.filter_param import FIELDS, conflicting, parse_filter
from db.search.query import MAX_PRICE_CENTS, InvalidSearch, SearchQuery, SearchRequest

_DOLLARS = re.compile(r"\$?\s*([0-9]+)(?:\.([0-9]{1,2}))?")


class QueryArgs(Protocol):
    """What `request.args` (a werkzeug MultiDict) offers."""

    def getlist(self, key: str) -> list[str]: ...


def parse_search_args(
    args: QueryArgs, *, prices_in: Literal["cents", "dollars"] = "cents"
) -> SearchRequest:
    """Build a request from query-string arguments; unknown arguments are ignored."""
    price_params = (
        ("minPrice", "maxPrice") if prices_in == "cents" else ("minDollars", "maxDollars")
    )
    min_price, max_price = (_single(args, name) for name in price_params)
    if prices_in == "dollars":
        min_price = _dollars_to_cents(min_price, price_params[0])
        max_price = _dollars_to_cents(max_price, price_params[1])
    raw_query = {
        "text": _single(args, "query"),
        "category": _single(args, "category"),
        "brands": args.getlist("brand"),
        "min_price": min_price,
        "max_price": max_price,
        "in_stock": _single(args, "inStock"),
        "sort": _single(args, "sort"),
    }
    terms = parse_filter(_single(args, "filter"))
    if terms:
        conflicting(terms, _given(args))
        for _, fields in terms.values():
            raw_query.update(fields)
    try:
        query = SearchQuery.model_validate(raw_query)
        return SearchRequest(
            query=query, limit=_single(args, "limit"), cursor=_single(args, "nextCursor")
        )
    except ValidationError as exc:
        raise InvalidSearch(readable_errors(exc.errors())) from None


def readable_errors(errors: Iterable[Mapping[str, Any]]) -> str:
    """One sentence per problem; our own errors already name their parameter."""
    sentences = []
    for error in errors:
        message = str(error.get("msg", "invalid value"))
        if error.get("type") != "invalid_search":
            where = ".".join(str(part) for part in error.get("loc", ()))
            message = f"{where}: {message}" if where else message
        sentences.append(message)  # not capitalised: most begin with a case-sensitive name
    return ". ".join(sentences) + "."


def _given(args: QueryArgs) -> set[str]:
    """The separate filter parameters that carry a value (an empty form field is not one)."""
    names = {param for _, params in FIELDS.values() for param in params}
    return {name for name in names if any(value.strip() for value in args.getlist(name))}


def _single(args: QueryArgs, name: str) -> str | None:
    values = args.getlist(name)
    # The same value twice is harmless; two different ones are not.
    if len(values) > 1 and len(set(values)) > 1:
        raise InvalidSearch(f"{name} was given {len(values)} different values; give it once.")
    return values[0] if values else None


def _dollars_to_cents(value: str | None, param: str) -> int | None:
    if value is None or not value.strip():
        return None
    match = _DOLLARS.fullmatch(value.strip())
    if value.strip().startswith("-"):
        raise InvalidSearch(f"{param} must not be negative.")
    if not match:
        raise InvalidSearch(f"{param} must be an amount in dollars such as 25 or 19.99.")
    try:
        cents = int(Decimal(match.group(0).lstrip("$ ")) * 100)
    except InvalidOperation:  # pragma: no cover - the regex already guarantees digits
        raise InvalidSearch(f"{param} must be an amount in dollars.") from None
    if cents > MAX_PRICE_CENTS:
        raise InvalidSearch(f"{param} is larger than any price in the store.")
    return cents


def cents_to_dollars_text(cents: int | None) -> str:
    """The form value that round-trips through `_dollars_to_cents` ("12", "12.50")."""
    if cents is None:
        return ""
    dollars, rest = divmod(cents, 100)
    return f"{dollars}" if rest == 0 else f"{dollars}.{rest:02d}"
