"""How numbers look: money, ratings and stock to a shopper (Jinja filters), and the one
way an instant is written for a browser or an API client (`utc_iso`)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import overload

from flask import Flask

LOW_STOCK_THRESHOLD = 5  # "Only 3 left" from here down


def money(cents: int) -> str:
    dollars, rest = divmod(int(cents), 100)
    return f"${dollars:,}.{rest:02d}"


def stars(rating: float) -> str:
    """★★★★☆ for 4.2: rounded to the nearest whole star."""
    filled = max(0, min(5, round(float(rating))))
    return "★" * filled + "☆" * (5 - filled)


def stock_label(stock: int | None) -> str:
    if not stock or stock <= 0:
        return "Out of stock"
    if stock <= LOW_STOCK_THRESHOLD:
        return f"Only {stock} left"
    return "In stock"


def wait_phrase(seconds: int) -> str:
    """The waiting room's estimated wait, as its page says it (and its live stream sends)."""
    return f"about {seconds} second{'' if seconds == 1 else 's'}"


def stock_level(stock: int | None) -> str:
    """A CSS modifier: out, low or ok."""
    if not stock or stock <= 0:
        return "out"
    return "low" if stock <= LOW_STOCK_THRESHOLD else "ok"


@overload
def utc_iso(instant: datetime | str) -> str: ...
@overload
def utc_iso(instant: None) -> None: ...
def utc_iso(instant: datetime | str | None) -> str | None:
    """'2026-01-02T03:04:05.678Z': UTC, milliseconds, a Z (what JS Date reads). Takes a
    datetime or an ISO-8601 string (what workflow messages carry)."""
    if instant is None:
        return None
    if isinstance(instant, str):
        instant = datetime.fromisoformat(instant.replace("Z", "+00:00"))
    return instant.astimezone(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def now_iso() -> str:
    return utc_iso(datetime.now(UTC))


def register_filters(app: Flask) -> None:
    app.jinja_env.filters.update(
        money=money,
        stars=stars,
        utc_iso=utc_iso,
        stock_label=stock_label,
        stock_level=stock_level,
        wait_phrase=wait_phrase,
    )
