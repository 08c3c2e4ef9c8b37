"""The overlay's ids travel as one array literal: digits and commas only."""

from __future__ import annotations

import pytest

from db.search.stock_overlay import id_array

pytestmark = pytest.mark.unit


def test_a_page_of_ids_is_one_postgresql_array_literal():
    assert id_array([3, 1, 20]) == "{3,1,20}"
    assert id_array(["7"]) == "{7}"  # Typesense's document ids are strings


def test_anything_but_an_integer_id_is_refused_before_it_reaches_sql():
    with pytest.raises(ValueError):
        id_array(["1}", "2"])
    with pytest.raises(ValueError):
        id_array(["1,2"])
