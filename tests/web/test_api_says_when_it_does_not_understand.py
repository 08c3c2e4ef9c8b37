"""The API refuses what it does not understand instead of answering something else
(docs/api.md): a query parameter the OpenAPI document does not list for the operation
is a 400 `unknown_parameter` naming it; `/api/v1/orders?status=` filters (and an unknown
status is a 400); the write-up's `Authentication: Bearer` header works beside
`Authorization`, and both, different, is a 400. On the fakes (tests/fakes/shop.py)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from tests.fakes.orders import order_view
from web.openapi import document
from web.query_parameters import KnownParameters, path_shape

pytestmark = pytest.mark.web

NOW = datetime.now(UTC).replace(microsecond=0)


@pytest.fixture
def client(fake_shop):
    return fake_shop.app.test_client()


def error_of(answer) -> dict:
    return answer.get_json()["error"]


# --- unknown query parameters -----------------------------------------------------------


@pytest.mark.parametrize("query", ["bogus=1", "filter=status:CANCELLED", "filtering=x"])
def test_an_unknown_query_parameter_is_a_400_that_names_it(fake_shop, client, query):
    answer = client.get(f"/api/v1/orders?{query}", headers=fake_shop.api_headers())

    assert answer.status_code == 400
    error = error_of(answer)
    assert error["code"] == "unknown_parameter"
    assert repr(query.split("=")[0]) in error["message"]
    assert "limit, nextCursor, since, status" in error["message"]


def test_the_check_runs_before_sign_in_and_on_writes_too(client):
    # No token: the 400 says what is wrong with the request before the 401 would.
    listing = client.get("/api/v1/orders?bogus=1")
    cart = client.patch("/api/v1/cart?op=ADD&qty=2", json={"itemID": 1, "quantity": 1})

    assert listing.status_code == 400 and error_of(listing)["code"] == "unknown_parameter"
    assert cart.status_code == 400 and "'qty'" in error_of(cart)["message"]


def test_documented_parameters_still_pass(fake_shop, client):
    headers = fake_shop.api_headers()

    assert client.get("/api/v1/orders?limit=5&since=2026-01-01", headers=headers).status_code == 200
    assert client.get("/api/v1/cart", headers=headers).status_code == 200


def test_pages_keep_their_own_lenient_query_strings(fake_shop):
    shopper = fake_shop.shopper()

    assert shopper.get("/orders?utm_source=mail").status_code == 200


def test_every_operation_documents_the_400_it_may_answer():
    for path, item in document()["paths"].items():
        for method, operation in item.items():
            assert "400" in operation["responses"], f"{method} {path}"


@pytest.mark.unit
def test_known_parameters_come_from_the_document_whatever_the_path_parameter_names():
    known = KnownParameters(document()["paths"])

    assert known.known("/api/v1/orders", "GET") == {"limit", "since", "status", "nextCursor"}
    assert known.known("/api/v1/cart", "PATCH") == {"op"}
    assert known.known("/api/v1/orders/<order_id>", "HEAD") == frozenset()
    assert path_shape("/api/v1/items/<int:item_id>/hot") == path_shape("/api/v1/items/{itemID}/hot")
    assert known.problem("/api/v1/orders", "GET", ["limit", "nope"]) is not None
    assert known.problem("/api/v1/orders", "GET", ["limit", "status"]) is None


# --- /api/v1/orders?status= ---------------------------------------------------------------


@pytest.fixture
def mixed(fake_shop):
    """Six orders, a day apart, newest first: CANCELLED, SHIPPED, PENDING, twice."""
    user = fake_shop.new_user()
    statuses = ["CANCELLED", "SHIPPED", "PENDING"] * 2
    ids = [
        fake_shop.orders.add(user.id, order_view(NOW - timedelta(days=day), status=status)).order_id
        for day, status in enumerate(statuses, start=1)
    ]
    return fake_shop.api_headers(user), dict(zip(ids, statuses, strict=True))


def statuses_of(answer) -> list[str]:
    assert answer.status_code == 200, answer.get_json()
    return [order["status"] for order in answer.get_json()["orders"]]


def test_status_keeps_only_orders_in_that_status(client, mixed):
    headers, _ = mixed

    answer = client.get("/api/v1/orders?status=CANCELLED", headers=headers)

    assert statuses_of(answer) == ["CANCELLED", "CANCELLED"]


def test_status_repeated_keeps_either(client, mixed):
    headers, _ = mixed

    answer = client.get("/api/v1/orders?status=CANCELLED&status=SHIPPED", headers=headers)

    assert statuses_of(answer) == ["CANCELLED", "SHIPPED", "CANCELLED", "SHIPPED"]


def test_status_pages_with_a_cursor_bound_to_the_statuses(client, mixed):
    headers, orders = mixed
    first = client.get("/api/v1/orders?status=SHIPPED&limit=1", headers=headers).get_json()
    cursor = first["nextCursor"]

    second = client.get(
        f"/api/v1/orders?status=SHIPPED&limit=1&nextCursor={cursor}", headers=headers
    )
    elsewhere = client.get(f"/api/v1/orders?limit=1&nextCursor={cursor}", headers=headers)

    assert [o["status"] for o in first["orders"] + second.get_json()["orders"]] == ["SHIPPED"] * 2
    assert second.get_json()["nextCursor"] is None
    assert elsewhere.status_code == 400 and "nextCursor" in error_of(elsewhere)["message"]


@pytest.mark.parametrize("status", ["cancelled", "LOST", "CANCELLED,SHIPPED", ""])
def test_an_unknown_status_is_a_400_naming_the_choices(client, mixed, status):
    headers, _ = mixed

    answer = client.get("/api/v1/orders", query_string={"status": status}, headers=headers)

    assert answer.status_code == 400
    assert error_of(answer)["code"] == "bad_request"
    assert "PENDING, SHIPPED, DELIVERED, CANCELLED" in error_of(answer)["message"]


# --- Authentication: Bearer ---------------------------------------------------------------


def test_the_write_ups_authentication_header_signs_in(fake_shop, client):
    token = fake_shop.api_headers()["Authorization"]

    answer = client.get("/api/v1/cart", headers={"Authentication": token})

    assert answer.status_code == 200


def test_both_headers_with_the_same_token_are_fine(fake_shop, client):
    token = fake_shop.api_headers()["Authorization"]

    answer = client.get("/api/v1/cart", headers={"Authentication": token, "Authorization": token})

    assert answer.status_code == 200


def test_both_headers_with_different_tokens_are_a_400(fake_shop, client):
    one, other = fake_shop.api_headers()["Authorization"], fake_shop.api_headers()["Authorization"]

    answer = client.get("/api/v1/cart", headers={"Authentication": one, "Authorization": other})

    assert answer.status_code == 400
    assert "Authorization and Authentication" in error_of(answer)["message"]


def test_a_bad_token_in_authentication_is_a_401_like_in_authorization(client):
    answer = client.get("/api/v1/cart", headers={"Authentication": "Bearer nope"})

    assert answer.status_code == 401
    assert 'error="invalid_token"' in answer.headers["WWW-Authenticate"]
