"""How numbers look to a shopper: money, ratings, stock. Registered as Jinja filters."""

from __future__ import annotations

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


def stock_level(stock: int | None) -> str:
    """A CSS modifier: out, low or ok."""
    if not stock or stock <= 0:
        return "out"
    return "low" if stock <= LOW_STOCK_THRESHOLD else "ok"


def register_filters(app: Flask) -> None:
    app.jinja_env.filters.update(
        money=money, stars=stars, stock_label=stock_label, stock_level=stock_level
    )
