"""A service down is a clear message (503), never a traceback; the rest of the store keeps working."""

from __future__ import annotations

from dataclasses import replace
from html import unescape

import pytest

from stack.ports import free_port

pytestmark = [pytest.mark.web, pytest.mark.integration]


@pytest.fixture
def without_typesense(make_app, web_settings):
    return make_app(
        replace(web_settings, typesense_url=f"http://127.0.0.1:{free_port()}")
    ).test_client()


@pytest.fixture
def without_postgres(make_app, web_settings, tmp_path):
    url = f"postgresql+psycopg://postgres:@/postgres?host={tmp_path}"
    return make_app(replace(web_settings, database_url=url)).test_client()


def test_when_typesense_is_down_the_search_page_says_so(without_typesense):
    response = without_typesense.get("/search", query_string={"query": "something new"})

    page = response.get_data(as_text=True)
    assert response.status_code == 503
    assert "Search is unavailable right now" in page
    assert "<html" in page and 'id="search-input"' in page  # the shopper can try again
    assert "Traceback" not in page


def test_when_typesense_is_down_search_as_you_type_shows_the_message_in_place(without_typesense):
    response = without_typesense.get(
        "/search", query_string={"query": "another new one"}, headers={"HX-Request": "true"}
    )

    assert response.status_code == 503
    assert "<html" not in response.get_data(as_text=True)
    assert "Search is unavailable right now" in response.get_data(as_text=True)


def test_when_typesense_is_down_the_api_answers_503_json(without_typesense):
    response = without_typesense.get("/api/v1/items", query_string={"query": "yet another"})

    assert response.status_code == 503
    assert response.get_json() == {
        "error": {
            "code": "search_unavailable",
            "message": "Search is unavailable right now. Please try again in a moment.",
        }
    }
    assert response.headers["Retry-After"]


def test_when_typesense_is_down_the_item_page_and_home_still_work(without_typesense):
    assert without_typesense.get("/").status_code == 200
    item = without_typesense.get("/items/2")
    assert item.status_code == 200 and "Only 3 left" in item.get_data(as_text=True)
    assert without_typesense.get("/api/v1/items/2").status_code == 200


def test_a_missing_search_collection_is_reported_as_unavailable(make_app, web_settings):
    client = make_app(replace(web_settings, typesense_collection="no_such_alias")).test_client()

    assert client.get("/api/v1/items").status_code == 503


def test_when_postgres_is_down_the_item_page_is_a_clear_503(without_postgres):
    page = without_postgres.get("/items/2")
    api = without_postgres.get("/api/v1/items/2")

    assert page.status_code == 503
    assert "can't reach its database" in unescape(page.get_data(as_text=True))
    assert "Traceback" not in page.get_data(as_text=True)
    assert api.status_code == 503
    assert api.get_json()["error"]["code"] == "database_unavailable"


def test_when_postgres_is_down_search_still_works(without_postgres):
    response = without_postgres.get("/api/v1/items", query_string={"query": "tent"})

    assert response.status_code == 200
    assert response.get_json()["found"] == 3
