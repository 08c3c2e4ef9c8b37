"""Any request to the address book or the orders list gets an answer, never a 5xx, and a
refusal always says why: Hypothesis on the fakes (the cart's own is in test_cart_api.py)."""

from __future__ import annotations

import json

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

pytestmark = pytest.mark.web

json_values = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(2**70), max_value=2**70),
    st.floats(allow_nan=False),
    st.text(max_size=30),
    st.lists(st.text(max_size=5), max_size=3),
)
FIELDS = ("name", "line1", "line2", "city", "postalCode", "country")
FUZZ = settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)


@FUZZ
@given(
    body=st.one_of(
        st.fixed_dictionaries({field: json_values for field in FIELDS}),
        st.dictionaries(st.sampled_from(FIELDS), st.text(max_size=40), max_size=6),
        json_values,
    ),
    method=st.sampled_from(["post", "put"]),
)
def test_any_address_body_gets_an_answer_never_a_5xx(fake_shop, body, method):
    client = fake_shop.app.test_client()
    headers = fake_shop.api_headers()
    path = "/api/v1/addresses"
    if method == "put":
        saved = client.post(path, headers=headers, json={
            "name": "Ada", "line1": "1 Main St", "city": "Seattle", "postalCode": "98101",
            "country": "US",
        })  # fmt: skip
        path += f"/{saved.get_json()['addressID']}"

    answer = getattr(client, method)(
        path, data=json.dumps(body), content_type="application/json", headers=headers
    )

    assert answer.status_code in (200, 201, 400, 422), answer.get_data(as_text=True)[:300]
    if answer.status_code >= 400:
        assert answer.get_json()["error"]["message"]


@FUZZ
@given(
    query=st.dictionaries(
        st.sampled_from(["limit", "since", "nextCursor"]), st.text(max_size=40), max_size=3
    )
)
def test_any_orders_query_gets_an_answer_never_a_5xx(fake_shop, query):
    answer = fake_shop.app.test_client().get(
        "/api/v1/orders", query_string=query, headers=fake_shop.api_headers()
    )

    assert answer.status_code in (200, 400), answer.get_data(as_text=True)[:300]
    assert answer.headers["Cache-Control"] == "private, no-store"
    if answer.status_code == 400:
        assert answer.get_json()["error"]["message"]
