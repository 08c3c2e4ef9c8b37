"""The home page: a big search bar that searches as you type."""

from __future__ import annotations

from flask import Blueprint, render_template

from domain.delivery import promise_range

bp = Blueprint("home", __name__)


@bp.get("/")
def index() -> str:
    # The promise is the delivery rule's own range (docs/delivery.md), never "tomorrow".
    fewest, most = promise_range()
    return render_template("home/index.html", fewest_days=fewest, most_days=most)
