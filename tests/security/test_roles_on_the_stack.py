"""Roles on the real stack: a warehouse worker's warehouses come from PostgreSQL
(`user_warehouses`) through sign-in and bearer tokens, and the real portal answers
another warehouse with 404 (the rules themselves: tests/security/test_roles.py)."""

from __future__ import annotations

import pytest

from tests.web.shoppers import PASSWORD, bearer, new_email
from tests.web.warehouse_fixtures import sign_in
from tests.web.warehouse_world import BOSTON, TACOMA

pytest_plugins = ["tests.web.warehouse_fixtures"]
pytestmark = [pytest.mark.web, pytest.mark.integration]

API = "/api/v1/warehouses"


@pytest.fixture(scope="module")
def tacoma_worker(warehouse_engine) -> str:
    from db.postgres.engine import make_session_factory
    from web.auth.accounts import register

    email = new_email("worker")
    register(
        make_session_factory(warehouse_engine),
        email=email,
        password=PASSWORD,
        role="warehouse",
        warehouses=frozenset({TACOMA}),
    )
    return email


def test_a_tacoma_worker_cannot_touch_boston_through_the_api(portal_app, tacoma_worker, world):
    item = world.item({BOSTON: 5})
    [suborder_id] = world.suborders(world.order({item: 1}))
    client = portal_app.test_client()
    token = client.post("/api/v1/auth/token", json={"email": tacoma_worker, "password": PASSWORD})
    headers = bearer(token.get_json()["token"])

    listed = client.get(API, headers=headers).get_json()["warehouses"]
    assert [w["warehouseID"] for w in listed] == [TACOMA]
    assert client.get(f"{API}/{TACOMA}/suborders", headers=headers).status_code == 200
    refused = [
        client.get(f"{API}/{BOSTON}/suborders", headers=headers),
        client.post(f"{API}/{BOSTON}/suborders/{suborder_id}/ship", headers=headers),
        client.post(f"{API}/{BOSTON}/suborders/{suborder_id}/deliver", headers=headers),
        client.post(
            f"{API}/{BOSTON}/restock", json={"itemID": item, "quantity": 3}, headers=headers
        ),
    ]
    assert [r.status_code for r in refused] == [404] * 4
    assert world.shelf(BOSTON, item) == (5, 4)  # one unit held by the order, none added
    assert world.scalar("SELECT status FROM warehouse_orders WHERE id = :s", s=suborder_id) == (
        "ASSIGNED"
    )


def test_a_tacoma_worker_cannot_open_boston_in_the_portal(portal_app, tacoma_worker):
    browser = sign_in(portal_app, tacoma_worker)
    assert browser.get(f"/warehouses/{TACOMA}").status_code == 200
    assert browser.get(f"/warehouses/{BOSTON}").status_code == 404
    assert browser.get("/staff/waiting-rooms").status_code == 403
