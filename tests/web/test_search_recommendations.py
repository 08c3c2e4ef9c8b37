"""Search meets recommendations: beside a signed-in shopper's results, a row related to
the search and to their history, each pick with its reason; the results keep their own
(relevance) order. A search that finds nothing offers popular items to anyone. On the
fast layer: FakeSearch and FakeSignals (tests/web/fakes.py, tests/fakes/recommendations.py)."""

from __future__ import annotations

import re
from html import unescape

import pytest

from tests.fakes.recommendations import FakeSignals
from tests.web.catalogue import BY_ID
from web.recommendations.use_cases import Recommendations

pytestmark = pytest.mark.web

HTMX = {"HX-Request": "true"}
ROW = "/recommendations/search"


@pytest.fixture
def shop(fake_shop):
    fake_shop.app.extensions["shopflow"].recommendations = Recommendations(FakeSignals())
    return fake_shop


def result_ids(page: str) -> list[int]:
    return [int(i) for i in re.findall(r'class="result__name" href="/items/(\d+)"', page)]


def row(client, query: str) -> tuple[str, list[int]]:
    response = client.get(ROW, query_string={"query": query}, headers=HTMX)
    assert response.status_code == 200
    assert response.headers["Cache-Control"].startswith("private")
    html = unescape(response.get_data(as_text=True))
    return html, [int(i) for i in re.findall(r'data-item-id="(\d+)"', html)]


def test_a_signed_in_shoppers_search_page_loads_a_row_for_that_search(shop):
    shopper = shop.shopper()
    page = shopper.get("/search?query=kettle").get_data(as_text=True)
    assert f'hx-get="{ROW}?query=kettle"' in page
    # Outside the filters form, whose hx-target and hx-push-url it would otherwise inherit.
    filters = page.index('<form id="filters"')
    assert page.index('id="search-recommendations"') > page.index("</form>", filters)


def test_a_signed_out_search_that_found_things_loads_no_row(shop):
    page = shop.app.test_client().get("/search?query=kettle").get_data(as_text=True)
    assert ROW not in page


def test_a_search_that_found_nothing_offers_popular_items_to_anyone(shop):
    client = shop.app.test_client()
    page = client.get("/search?query=iphone").get_data(as_text=True)
    assert f'hx-get="{ROW}?query=iphone"' in page

    html, ids = row(client, "iphone")
    assert "Popular right now" in html and ids
    assert all(BY_ID[item_id].total_stock > 0 for item_id in ids)


def test_the_row_names_the_shoppers_other_searches_and_the_searchs_department(shop):
    shopper = shop.shopper()
    shopper.get("/search?query=backpack")
    kettles = result_ids(shopper.get("/search?query=kettle").get_data(as_text=True))

    html, ids = row(shopper.client, "kettle")

    assert "You might also like" in html
    assert "Because you searched for “backpack”" in html
    assert "Popular in Kitchen" in html
    assert not set(ids) & set(kettles[:5])  # never what the results themselves lead with
    assert all(BY_ID[item_id].total_stock > 0 for item_id in ids)


def test_the_results_keep_their_relevance_order_for_a_signed_in_shopper(shop):
    signed_out = shop.app.test_client().get("/search?query=wireless").get_data(as_text=True)
    shopper = shop.shopper()
    shopper.get("/search?query=backpack")
    signed_in = shopper.get("/search?query=wireless").get_data(as_text=True)

    assert result_ids(signed_in) == result_ids(signed_out)
