"""Typesense `filter_by` expressions built so that user input can never change their shape.

String values are wrapped in backticks, which Typesense 0.24 reads as one literal
value: `]`, `,`, `&&`, `||`, `:`, parentheses and quotes inside them are just
characters (checked against the real server in tests/web and tests/security). A
backtick itself cannot be escaped, and a backslash right before the closing backtick
escapes it (a doubled one too), so `SearchQuery` refuses values containing a backtick
or ending in a backslash, and `quote` refuses them again here in case a future caller
forgets. Numbers come only from validated ints.
"""

from __future__ import annotations

from collections.abc import Iterable

from db.search.query import MAX_PRICE_CENTS, SearchQuery

# Facet fields whose filter is left out when counting their own facet, so the
# sidebar still offers the other brands/categories after one is picked.
DISJUNCTIVE_FACETS = ("category", "brand")


def quote(value: str) -> str:
    if "`" in value:
        raise ValueError("a filter value cannot contain a backtick")
    if value.endswith("\\"):
        # It would escape the closing backtick (0.24 has no escape for the backslash).
        raise ValueError("a filter value cannot end with a backslash")
    return f"`{value}`"


def any_of(field: str, values: Iterable[str]) -> str:
    return f"{field}:=[{','.join(quote(value) for value in values)}]"


def price_range(low: int | None, high: int | None) -> str:
    """One inclusive range clause, open ends at 0 and int32's top.

    `price:[a..b]` makes Typesense 0.24 collect the ids in the range once; the same
    bounds written `price:>=a && price:<=b` collect two far larger sets (nearly the whole
    catalogue each at 1M items) and intersect them: measured at 2-4x the CPU of the
    whole search for a price-filtered query (docs/benchmarks.md, levers). Even a
    one-sided bound is cheaper as a range.
    """
    return f"price:[{int(low or 0)}..{int(MAX_PRICE_CENTS if high is None else high)}]"


def filter_clauses(query: SearchQuery) -> dict[str, str]:
    """One clause per constrained field, keyed by field name."""
    clauses: dict[str, str] = {}
    if query.category:
        clauses["category"] = any_of("category", [query.category])
    if query.brands:
        clauses["brand"] = any_of("brand", query.brands)
    if query.min_price is not None or query.max_price is not None:
        clauses["price"] = price_range(query.min_price, query.max_price)
    if query.in_stock is not None:
        clauses["in_stock"] = f"in_stock:={'true' if query.in_stock else 'false'}"
    return clauses


def filter_by(query: SearchQuery, *, leave_out: str | None = None) -> str:
    """All clauses joined with AND; `leave_out` drops one field's clause (for its facet)."""
    return " && ".join(
        clause for field, clause in filter_clauses(query).items() if field != leave_out
    )
