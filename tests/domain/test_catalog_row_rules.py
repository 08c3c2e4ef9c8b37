"""A row of an operator's product file is a product we can sell, or says exactly which
field is wrong on which line."""

from __future__ import annotations

import pytest

from domain.catalog_rows import parse_row

pytestmark = pytest.mark.unit

WAREHOUSES = {"1": 1, "seattle": 1, "2": 2, "newark": 2}
GOOD = {
    "sku": "KTL-001",
    "name": "Electric Kettle",
    "description": "Boils fast.",
    "price": "39.99",
    "brand": "Acme",
    "category": "Kitchen",
}


def test_a_good_row_becomes_a_product_with_its_price_in_cents():
    row, errors = parse_row(7, {**GOOD, "rating": "4.5", "stock.Seattle": "12"}, WAREHOUSES)
    assert errors == []
    assert row.price == 3999 and row.rating == 4.5 and row.stock == {1: 12} and row.line == 7


def test_json_numbers_are_accepted_too():
    row, errors = parse_row(1, {**GOOD, "price": 12.5, "rating": 4, "stock.2": 3}, WAREHOUSES)
    assert errors == [] and row.price == 1250 and row.stock == {2: 3}


def test_optional_fields_may_be_left_out():
    row, errors = parse_row(1, {**GOOD, "description": ""}, WAREHOUSES)
    assert (
        errors == []
        and row.rating is None
        and row.image_url is None
        and row.image_path is None
        and row.stock == {}
    )


@pytest.mark.parametrize(
    ("changes", "field", "words"),
    [
        ({"sku": ""}, "sku", "required"),
        ({"sku": "has space"}, "sku", "letters, digits"),
        ({"name": "x" * 301}, "name", "longer than 300"),
        ({"price": "abc"}, "price", "not an amount"),
        ({"price": "-1"}, "price", "zero or more"),
        ({"price": "1.999"}, "price", "two decimals"),
        ({"price": "99999999999"}, "price", "too large"),
        ({"brand": ""}, "brand", "required"),
        ({"category": "c" * 101}, "category", "longer than 100"),
        ({"rating": "6"}, "rating", "from 0 to 5"),
        ({"rating": "good"}, "rating", "not a number"),
        ({"imageURL": "ftp://example.com/a.jpg"}, "imageURL", "http:// or https://"),
        ({"imageURL": "javascript:alert(1)"}, "imageURL", "http:// or https://"),
        ({"imageURL": "/static/img/kettle.png"}, "imageURL", "imagePath"),
        ({"imagePath": "a.png", "imageURL": "https://x.test/a.png"}, "imagePath", "not both"),
        ({"imagePath": "a\x00.png"}, "imagePath", "control characters"),
        ({"imageURL": "https://x.test/a b.jpg"}, "imageURL", "spaces"),
        ({"stock.Berlin": "3"}, "stock.Berlin", "no warehouse 'Berlin'"),
        ({"stock.1": "-3"}, "stock.1", "whole number"),
        ({"stock.1": "2.5"}, "stock.1", "whole number"),
        ({"colour": "red"}, "colour", "not a column"),
        ({"name": {"en": "Kettle"}}, "name", "text or a number"),
    ],
)
def test_each_kind_of_bad_value_names_its_field(changes, field, words):
    row, errors = parse_row(12, {**GOOD, **changes}, WAREHOUSES)
    assert row is None
    assert [(e.line, e.field) for e in errors] == [(12, field)], errors
    assert words in errors[0].message
    assert str(errors[0]).startswith(f"line 12, {field}: ")


def test_every_problem_of_a_row_is_reported_not_just_the_first():
    row, errors = parse_row(3, {"sku": "A", "price": "x"}, WAREHOUSES)
    assert row is None
    assert {e.field for e in errors} == {"name", "price", "brand", "category"}


def test_an_empty_stock_cell_leaves_that_warehouse_alone():
    row, _ = parse_row(1, {**GOOD, "stock.1": "", "stock.2": "0"}, WAREHOUSES)
    assert row.stock == {2: 0}


def test_a_picture_comes_from_a_web_address_or_a_file_beside_the_product_file():
    row, _ = parse_row(1, {**GOOD, "imageURL": "http://pictures.test/kettle.png"}, WAREHOUSES)
    assert (row.image_url, row.image_path) == ("http://pictures.test/kettle.png", None)
    row, _ = parse_row(1, {**GOOD, "imagePath": "images/kettle.png"}, WAREHOUSES)
    assert (row.image_url, row.image_path) == (None, "images/kettle.png")
