"""Whatever a staff client sends the warehouse API (ids, query strings, bodies), the
answer is a 2xx or a 4xx with a message: never a 5xx, and a refused restock writes
nothing. Ship and deliver are fuzzed with ids that match no suborder, so Temporal is
never asked to change anything."""

from __future__ import annotations

from urllib.parse import quote

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.web.warehouse_world import TACOMA

pytest_plugins = ["tests.web.warehouse_fixtures"]
pytestmark = [pytest.mark.web, pytest.mark.integration]

API = "/api/v1/warehouses"
FUZZ = settings(
    max_examples=80, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
path_segments = st.one_of(
    st.text(min_size=1, max_size=80),
    st.from_regex(r"-?[0-9]{1,30}", fullmatch=True),
    st.sampled_from([str(TACOMA), "0", "1e3", "٣", "%00", "..", "null"]),
).filter(lambda s: s not in {".", ".."})
json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=20),
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=8), inner, max_size=3)
    ),
    max_leaves=8,
)


def _names_no_real_item(body) -> bool:
    """Keep the fuzz from restocking the other tests' items (it exercises refusals)."""
    item = body.get("itemID") if isinstance(body, dict) else None
    return not (type(item) is int and 0 < item < 10**7)


def _assert_readable(response, context) -> None:
    assert response.status_code < 500, (context, response.get_data(as_text=True)[:300])
    if response.status_code >= 400:
        assert response.get_json()["error"]["message"], context


@FUZZ
@given(warehouse=path_segments, suborder=path_segments)
def test_any_ids_in_the_path_get_a_readable_4xx(portal_app, staff_headers, warehouse, suborder):
    client = portal_app.test_client()
    w, s = quote(warehouse, safe=""), quote(suborder, safe="")
    for method, path in (
        ("get", f"{API}/{w}/suborders"),
        ("post", f"{API}/{w}/suborders/unknown-{s}/ship"),
        ("post", f"{API}/{w}/suborders/unknown-{s}/deliver"),
        ("post", f"{API}/{w}/restock"),
    ):
        _assert_readable(getattr(client, method)(path, headers=staff_headers), path)


@FUZZ
@given(
    pairs=st.lists(
        st.tuples(st.sampled_from(["status", "limit", "nextCursor"]), st.text(max_size=60)),
        max_size=4,
    )
)
def test_any_query_string_on_the_queue_gets_a_200_or_a_readable_400(
    portal_app, staff_headers, pairs
):
    response = portal_app.test_client().get(
        f"{API}/{TACOMA}/suborders", query_string=pairs, headers=staff_headers
    )
    assert response.status_code in (200, 400), (pairs, response.get_data(as_text=True)[:300])
    _assert_readable(response, pairs)


@FUZZ
@given(
    body=st.one_of(
        json_values,
        st.fixed_dictionaries({"itemID": json_values, "quantity": json_values}),
        st.fixed_dictionaries(
            {"itemID": st.integers(), "quantity": st.integers(max_value=0) | st.integers(10_001)}
        ),
    ).filter(_names_no_real_item)
)
def test_any_restock_body_gets_a_readable_answer_and_a_refusal_writes_nothing(
    portal_app, staff_headers, world, body
):
    before = world.scalar("SELECT COALESCE(SUM(stock), 0) FROM aggregated_stock")

    response = portal_app.test_client().post(
        f"{API}/{TACOMA}/restock", json=body, headers=staff_headers
    )

    _assert_readable(response, body)
    if response.status_code != 200:
        assert world.scalar("SELECT COALESCE(SUM(stock), 0) FROM aggregated_stock") == before
