"""Whatever a staff client sends the warehouse API (ids, query strings, bodies), the
answer is a 2xx or a 4xx with a message: never a 5xx, and a refused restock writes
nothing. On the fake ports (tests/fakes/warehouses.py): what is checked here is the
web's parsing and the use cases' refusals, not the database."""

from __future__ import annotations

from urllib.parse import quote

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.fakes.warehouses import NORTH as TACOMA

pytest_plugins = ["tests.fakes.portal_fixtures"]
pytestmark = pytest.mark.web

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


def _assert_readable(response, context) -> None:
    assert response.status_code < 500, (context, response.get_data(as_text=True)[:300])
    if response.status_code >= 400:
        assert response.get_json()["error"]["message"], context


@FUZZ
@given(warehouse=path_segments, suborder=path_segments)
def test_any_ids_in_the_path_get_a_readable_4xx(
    fake_app, fake_operator_headers, warehouse, suborder
):
    client = fake_app.test_client()
    w, s = quote(warehouse, safe=""), quote(suborder, safe="")
    for method, path in (
        ("get", f"{API}/{w}/suborders"),
        ("post", f"{API}/{w}/suborders/unknown-{s}/ship"),
        ("post", f"{API}/{w}/suborders/unknown-{s}/deliver"),
        ("post", f"{API}/{w}/restock"),
    ):
        _assert_readable(getattr(client, method)(path, headers=fake_operator_headers), path)


@FUZZ
@given(
    pairs=st.lists(
        st.tuples(st.sampled_from(["status", "limit", "nextCursor"]), st.text(max_size=60)),
        max_size=4,
    )
)
def test_any_query_string_on_the_queue_gets_a_200_or_a_readable_400(
    fake_app, fake_operator_headers, pairs
):
    response = fake_app.test_client().get(
        f"{API}/{TACOMA}/suborders", query_string=pairs, headers=fake_operator_headers
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
    )
)
def test_any_restock_body_gets_a_readable_answer_and_a_refusal_writes_nothing(
    fake_app, fake_operator_headers, fake_ports, body
):
    before = dict(fake_ports.shelves.shelves)

    response = fake_app.test_client().post(
        f"{API}/{TACOMA}/restock", json=body, headers=fake_operator_headers
    )

    _assert_readable(response, body)
    if response.status_code != 200:
        assert fake_ports.shelves.shelves == before
