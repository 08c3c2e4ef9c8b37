"""The design write-up's `filter` on GET /api/v1/items (and the search page): `field:value`
terms joined by commas, ANDed with each other and with the separate parameters; a field
given both ways, an unknown field, bad syntax or a bad value is a 400 naming the term;
the bounds of each value are exact. On the fast layer's FakeSearch (the parsing is
db/search/filter_param.py's own); how values reach Typesense (quoting, hostile values,
one cache entry for both spellings) is tests/web/test_search_filter_on_typesense.py."""

from __future__ import annotations

import pytest

from db.search.filter_param import MAX_FILTER_LENGTH
from db.search.query import MAX_BRANDS, MAX_FILTER_VALUE_LENGTH, MAX_PRICE_CENTS
from tests.web.catalogue import ITEMS

pytestmark = pytest.mark.web


def found(fast_client, **params) -> set[int]:
    response = fast_client.get("/api/v1/items", query_string={"limit": 100, **params})
    assert response.status_code == 200, response.get_json()
    return {item["itemID"] for item in response.get_json()["items"]}


def stock(item) -> int:
    return sum(units for _, units in item.stock_by_warehouse)


def items_where(predicate) -> set[int]:
    return {item.id for item in ITEMS if predicate(item)}


def refused(fast_client, **params):
    response = fast_client.get("/api/v1/items", query_string=params)
    assert response.status_code == 400, response.get_json()
    return response.get_json()["error"]


@pytest.mark.parametrize(
    ("filter_", "separate", "wanted"),
    [
        ("category:Kitchen", {"category": "Kitchen"}, lambda i: i.category == "Kitchen"),
        ("brand:Acme", {"brand": "Acme"}, lambda i: i.brand == "Acme"),
        (
            "brand:Acme|Northwind",
            {"brand": ["Acme", "Northwind"]},
            lambda i: i.brand in {"Acme", "Northwind"},
        ),
        (
            "price:2000..5000",
            {"minPrice": 2000, "maxPrice": 5000},
            lambda i: 2000 <= i.price <= 5000,
        ),
        ("price:10000..", {"minPrice": 10000}, lambda i: i.price >= 10000),
        ("price:..1500", {"maxPrice": 1500}, lambda i: i.price <= 1500),
        ("inStock:true", {"inStock": "true"}, lambda i: stock(i) > 0),
        ("inStock:false", {"inStock": "false"}, lambda i: stock(i) == 0),
    ],
    ids=lambda v: v if isinstance(v, str) else "",
)
def test_each_filter_field_matches_exactly_what_its_separate_parameter_matches(
    fast_client, filter_, separate, wanted
):
    expected = items_where(wanted)

    assert found(fast_client, filter=filter_) == expected
    assert found(fast_client, **separate) == expected


def test_all_four_fields_together_are_one_and(fast_client):
    ids = found(
        fast_client, filter="category:Kitchen,brand:Acme|Northwind,price:..4000,inStock:true"
    )

    assert ids == items_where(
        lambda i: (
            i.category == "Kitchen"
            and i.brand in {"Acme", "Northwind"}
            and i.price <= 4000
            and stock(i) > 0
        )
    )
    assert ids  # the catalogue has some: the test would notice an empty answer


def test_filter_is_anded_with_the_query_and_the_other_parameters(fast_client):
    ids = found(fast_client, query="kettle", filter="brand:Acme|Northwind", inStock="true")

    assert ids == items_where(
        lambda i: "Kettle" in i.name and i.brand in {"Acme", "Northwind"} and stock(i) > 0
    )


def test_the_write_up_example_only_answers_that_brand(fast_client):
    body = fast_client.get(
        "/api/v1/items", query_string={"query": "kettle", "filter": "brand:Northwind"}
    ).get_json()

    assert [item["brand"] for item in body["items"]] == ["Northwind"]


def test_an_unquoted_pipe_in_a_one_value_field_is_refused_not_read_as_syntax(fast_client):
    error = refused(fast_client, filter="category:x] | category:=[Books")

    assert error["code"] == "invalid_filter" and "one value" in error["message"]


def test_a_backtick_is_refused_and_names_the_term(fast_client):
    error = refused(fast_client, filter="brand:Acme` && price:>0 && brand:=`x")

    assert error["code"] == "invalid_filter"
    assert "brand:Acme`" in error["message"] and "backtick" in error["message"]


@pytest.mark.parametrize(
    ("filter_", "param"),
    [
        ("category:Kitchen", {"category": "Books"}),
        ("category:Kitchen", {"category": "Kitchen"}),  # the same value twice is still twice
        ("brand:Acme", {"brand": "Northwind"}),
        ("price:..5000", {"minPrice": 100}),
        ("price:100..", {"maxPrice": 5000}),
        ("inStock:true", {"inStock": "false"}),
    ],
)
def test_a_field_given_both_in_filter_and_as_a_parameter_is_a_400_conflicting_filter(
    fast_client, filter_, param
):
    error = refused(fast_client, filter=filter_, **param)

    assert error["code"] == "conflicting_filter"
    assert filter_ in error["message"] and "given twice" in error["message"]


@pytest.mark.parametrize(
    ("filter_", "named", "because"),
    [
        ("colour:red", "colour:red", "unknown field"),
        ("brand", "brand", "field:value"),
        (":Acme", ":Acme", "field:value"),
        ("brand:", "brand:", "empty value"),
        ("brand:Acme|", "brand:Acme|", "empty value"),
        ("brand:Acme,,inStock:true", "", "empty term"),
        ("brand:Acme,", "", "empty term"),
        ("brand:Acme,brand:Northwind", "brand:Northwind", "twice"),
        ("category:Kitchen|Books", "category:Kitchen|Books", "one value"),
        ("price:100", "price:100", "min..max"),
        ("price:..", "price:..", "min..max"),
        ("price:1e3..", "price:1e3..", "whole number of cents"),
        ("price:-5..", "price:-5..", "whole number of cents"),
        ("price:0x10..", "price:0x10..", "whole number of cents"),
        ("price:5000..100", "price:5000..100", "minimum price"),
        ("price:99999999999..", "price:99999999999..", "at most"),
        ("inStock:maybe", "inStock:maybe", "true or false"),
        ('brand:"Acme', 'brand:"Acme', "unclosed quote"),
        ('brand:"Acme"x', 'brand:"Acme"x', "after a closing quote"),
        ("brand:" + "x" * 150, "brand:xxx", "at most 100 characters"),
        ("brand:" + "|".join(f"b{n}" for n in range(25)), "brand:b0|b1", "At most 20"),
    ],
)
def test_a_bad_filter_is_a_400_that_names_the_term(fast_client, filter_, named, because):
    error = refused(fast_client, filter=filter_)

    assert error["code"] == "invalid_filter"
    assert named in error["message"] and because in error["message"], error["message"]


def test_field_names_are_case_insensitive_and_an_empty_filter_is_no_filter(fast_client):
    assert found(fast_client, filter="BRAND:Acme,instock:TRUE") == items_where(
        lambda i: i.brand == "Acme" and stock(i) > 0
    )
    assert found(fast_client, filter="") == found(fast_client)


def test_the_search_page_takes_filter_and_its_links_carry_it(fast_client):
    page = fast_client.get("/search", query_string={"query": "kettle", "filter": "brand:Northwind"})

    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert "Gooseneck Pour-Over Kettle" in html
    assert "Electric Kettle 1.7L" not in html  # Acme's kettle is filtered out
    fragment = fast_client.get(
        "/search",
        query_string={"query": "kettle", "filter": "brand:Northwind", "limit": 1},
        headers={"HX-Request": "true"},
    )
    # The tidy address the browser shows (and the "load more" link) keep the filter.
    assert "brand=Northwind" in fragment.headers["HX-Push-Url"]


def test_the_search_page_explains_a_bad_filter(fast_client):
    page = fast_client.get("/search", query_string={"filter": "colour:red"})

    assert page.status_code == 400
    assert "colour:red" in page.get_data(as_text=True)


@pytest.mark.parametrize(
    ("filter_", "ok"),
    [
        ("brand:" + "x" * MAX_FILTER_VALUE_LENGTH, True),
        ("brand:" + "x" * (MAX_FILTER_VALUE_LENGTH + 1), False),
        ("category:" + "x" * MAX_FILTER_VALUE_LENGTH, True),
        ("category:" + "x" * (MAX_FILTER_VALUE_LENGTH + 1), False),
        ("brand:" + "|".join(f"b{n}" for n in range(MAX_BRANDS)), True),
        ("brand:" + "|".join(f"b{n}" for n in range(MAX_BRANDS + 1)), False),
        (f"price:..{MAX_PRICE_CENTS}", True),
        (f"price:..{MAX_PRICE_CENTS + 1}", False),
        (f"price:{MAX_PRICE_CENTS}..", True),
        (f"price:{MAX_PRICE_CENTS + 1}..", False),
        ("price:0..0", True),
        ("price:5..5", True),
        ("price:6..5", False),
        ("brand:" + "x" * MAX_FILTER_VALUE_LENGTH + "," + "y" * 0 + "inStock:true", True),
    ],
)
def test_the_bounds_of_the_filter_grammar_are_exact(fast_client, filter_, ok):
    """One past each bound is refused; the bound itself is a search."""
    response = fast_client.get("/api/v1/items", query_string={"filter": filter_})

    assert response.status_code == (200 if ok else 400), response.get_json()
    if not ok:
        assert response.get_json()["error"]["code"] == "invalid_filter"


def test_the_whole_filter_has_a_length_bound_too(fast_client):
    terms = ",".join(["inStock:true"] + [f"brand:{'x' * 90}"] * 30)
    assert len(terms) > MAX_FILTER_LENGTH
    error = refused(fast_client, filter=terms)
    assert error["code"] == "invalid_filter" and str(MAX_FILTER_LENGTH) in error["message"]
