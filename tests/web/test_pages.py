"""The item page, its stock fragment and the 404 page, on the fast layer's fakes (the
catalogue of tests/web/catalogue.py in memory: tests/fakes/items.py)."""

from __future__ import annotations

import re
from html import unescape

import pytest

from tests.web.catalogue import BY_ID

pytestmark = pytest.mark.web

HTMX = {"HX-Request": "true"}


def html(response) -> str:
    return response.get_data(as_text=True)


def item_ids(page: str) -> list[int]:
    return [int(i) for i in re.findall(r'class="result__name" href="/items/(\d+)"', page)]


@pytest.mark.parametrize(
    ("item_id", "stock_text"),
    [(1, "In stock"), (2, "Only 3 left"), (4, "Out of stock"), (31, "Only 1 left")],
)
def test_the_item_page_shows_price_description_and_stock(fast_client, item_id, stock_text):
    record = BY_ID[item_id]
    response = fast_client.get(f"/items/{item_id}")

    page = unescape(html(response))
    assert response.status_code == 200
    assert record.name in page and record.description in page
    assert record.brand in page and record.category in page
    assert f"${record.price // 100:,}.{record.price % 100:02d}" in page
    assert f">{stock_text}</p>" in page


def test_the_stock_line_is_also_a_fragment_of_its_own(fast_client):
    response = fast_client.get("/items/2/stock")

    assert response.status_code == 200
    assert (
        html(response).strip()
        == '<p id="stock-2" class="stock stock--low" data-test="stock">Only 3 left</p>'
    )
    assert response.headers["Cache-Control"] == "no-store"


@pytest.mark.parametrize(
    "path", ["/items/999999", "/items/99999999999999999999999", "/items/abc", "/nowhere"]
)
def test_missing_pages_are_a_friendly_404(fast_client, path):
    response = fast_client.get(path)

    page = html(response)
    assert response.status_code == 404
    assert "<html" in page and "Back to the home page" in page
    assert "Traceback" not in page
