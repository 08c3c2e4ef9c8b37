"""User input can never reshape the Typesense filter: hostile values are only ever literal values."""

from __future__ import annotations

import pytest

from tests.web.catalogue import HOSTILE_BRANDS, ITEMS

pytestmark = [pytest.mark.web, pytest.mark.integration]


def found_ids(client, **params) -> set[int]:
    response = client.get("/api/v1/items", query_string={"limit": 100, **params})
    assert response.status_code == 200, response.get_json()
    return {item["itemID"] for item in response.get_json()["items"]}


@pytest.mark.parametrize("brand", HOSTILE_BRANDS)
def test_a_brand_that_looks_like_filter_syntax_matches_exactly_that_brand(client, brand):
    assert found_ids(client, brand=brand) == {i.id for i in ITEMS if i.brand == brand}


def test_several_hostile_brands_together_match_exactly_their_items(client):
    chosen = ["Or || Else", "Comma, Inc", "Parens (Co) && Sons"]

    assert found_ids(client, brand=chosen) == {i.id for i in ITEMS if i.brand in chosen}


@pytest.mark.parametrize(
    "value",
    [
        "a] || price:>0",
        "Acme] || brand:=[SoundMax",
        "x] && in_stock:=false || category:=[Books",
        "Acme` || price:>0 || brand:=`x",  # refused: contains a backtick
        ") || (price:>0",
        "Acme && price:<0",
        "Acme || Books",
        "*",
        ":",
        "price:>0",
        "",
    ],
)
def test_hostile_filter_values_never_widen_the_results(client, value):
    for field in ("brand", "category"):
        response = client.get("/api/v1/items", query_string={"limit": 100, field: value})
        if "`" in value:
            assert response.status_code == 400
            continue
        assert response.status_code == 200
        ids = {item["itemID"] for item in response.get_json()["items"]}
        if value == "":
            assert len(ids) == min(100, len(ITEMS))  # an empty filter is no filter
        else:
            assert ids == set(), f"{field}={value!r} matched {ids}"


def test_a_hostile_value_next_to_a_real_one_adds_nothing(client):
    ids = found_ids(client, brand=["Acme", "a] || price:>0"], category="Kitchen")

    assert ids == {i.id for i in ITEMS if i.brand == "Acme" and i.category == "Kitchen"}


def test_numeric_filters_accept_only_whole_numbers(client):
    for bad in ["0 || price:>0", "1)", "1e3", "0x10", "1_000", "١٢"]:
        response = client.get("/api/v1/items", query_string={"minPrice": bad})
        assert response.status_code == 400, bad
