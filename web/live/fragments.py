"""The HTML the pages' stock stream pushes, rendered with the storefront's own templates.

A fragment depends only on (view, item, stock), so it is rendered once per process
and change and the same text goes to every open page: a thousand watchers cost one
render, not a thousand.
"""

from __future__ import annotations

import functools
from collections.abc import Callable

from flask import Flask, render_template

TEMPLATES = {"item": "items/partials/stock.html", "card": "search/partials/card_stock.html"}


def fragment_renderer(flask_app: Flask) -> Callable[[str, int, int], str]:
    @functools.lru_cache(maxsize=4096)
    def render(view: str, item_id: int, stock: int) -> str:
        # A request context for url_for (the card's Add button); nothing per shopper.
        with flask_app.test_request_context("/"):
            return render_template(
                TEMPLATES[view], item_id=item_id, stock=stock, in_stock=stock > 0
            )

    return render
