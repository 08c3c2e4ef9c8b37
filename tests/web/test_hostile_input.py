"""Whatever arrives in the query string, search answers 200 or a 400 with a message: never a 5xx."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

pytestmark = [pytest.mark.web, pytest.mark.integration]

PARAMS = [
    "query",
    "category",
    "brand",
    "minPrice",
    "maxPrice",
    "inStock",
    "sort",
    "limit",
    "nextCursor",
]
nasty_text = st.one_of(
    st.text(max_size=300),
    st.sampled_from(
        ["`", "] || price:>0", "&&", "(", ")", ":", "*", "-1", "1e9", "0", "true", "price_asc"]
    ),
    st.from_regex(r"[0-9]{1,25}", fullmatch=True),
)
query_strings = st.lists(st.tuples(st.sampled_from(PARAMS), nasty_text), max_size=6)


@settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(pairs=query_strings)
def test_any_query_string_gets_a_200_or_a_readable_400(client, pairs):
    for path in ("/api/v1/items", "/search"):
        response = client.get(path, query_string=pairs)
        assert response.status_code in (200, 400), (
            path,
            pairs,
            response.get_data(as_text=True)[:300],
        )
        if response.status_code == 400 and path.startswith("/api"):
            assert response.get_json()["error"]["message"]


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    item_id=st.text(min_size=1, max_size=40).filter(lambda s: "/" not in s and s not in {".", ".."})
)
def test_any_item_id_gets_an_item_a_404_or_a_400(client, item_id):
    response = client.get("/api/v1/items/" + item_id)

    assert response.status_code in (200, 400, 404)
