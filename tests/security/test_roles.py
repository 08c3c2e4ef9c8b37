"""Roles (docs/security.md, "Roles"): a warehouse worker acts only in its own
warehouses, and another warehouse answers exactly as one that does not exist (404);
only operators and admins switch items hot and decode payloads; only admins encode.
The portal and the API ask the same use cases (web/warehouses/use_cases.py), which ask
domain/roles.py, so both are checked here on the same fakes."""

from __future__ import annotations

import base64

import pytest
from google.protobuf import json_format
from temporalio.api.common.v1 import Payload

import temporal_client
from domain.roles import Access, Permission, Role, RoleError, check_binding
from tests.fakes.apps import fast_portal_app
from tests.fakes.signed_in import account, api_headers, browser
from tests.fakes.warehouses import NORTH, SOUTH

pytestmark = pytest.mark.web

API = "/api/v1/warehouses"
ORDER = b'{"order_id": "o-42"}'


@pytest.fixture
def portal():
    with fast_portal_app() as (app, ports):
        yield app, ports


def _sealed(app) -> dict:
    codec = temporal_client.codec(app.extensions["shopflow"].settings)
    plain = Payload(metadata={"encoding": b"json/plain"}, data=ORDER)
    return json_format.MessageToDict(codec.encrypt(plain))


# --- the rules ----------------------------------------------------------------------


@pytest.mark.unit
def test_each_role_is_granted_what_the_table_says():
    worker = Access(Role.WAREHOUSE, frozenset({NORTH}))
    operator, admin, shopper = Access(Role.OPERATOR), Access(Role.ADMIN), Access(Role.SHOPPER)
    assert worker.works_in(NORTH) and not worker.works_in(SOUTH)
    assert operator.works_in(SOUTH) and admin.works_in(SOUTH)
    assert not shopper.works_in(NORTH)
    assert not worker.may(Permission.WAITING_ROOMS) and operator.may(Permission.WAITING_ROOMS)
    assert not worker.may(Permission.DECODE_PAYLOADS) and operator.may(Permission.DECODE_PAYLOADS)
    assert not operator.may(Permission.ENCODE_PAYLOADS) and admin.may(Permission.ENCODE_PAYLOADS)
    assert not operator.may(Permission.MANAGE_USERS) and admin.may(Permission.MANAGE_USERS)
    assert not worker.may(Permission.ORDER_DESK) and not shopper.may(Permission.ORDER_DESK)
    assert operator.may(Permission.ORDER_DESK) and admin.may(Permission.ORDER_DESK)
    assert not Access("staff").may(Permission.WAREHOUSE_PORTAL)  # the old role grants nothing


@pytest.mark.unit
def test_a_warehouse_worker_needs_a_warehouse_and_no_one_else_takes_one():
    assert check_binding("warehouse", [3, 3]) == (Role.WAREHOUSE, frozenset({3}))
    for role, warehouses in (
        ("warehouse", []),
        ("operator", [3]),
        ("staff", []),
        ("warehouse", [0]),
    ):
        with pytest.raises(RoleError):
            check_binding(role, warehouses)


# --- the API ------------------------------------------------------------------------


def test_a_worker_of_one_warehouse_gets_404_for_everything_of_another(portal):
    app, ports = portal
    client, headers = app.test_client(), api_headers(app, account("warehouse", NORTH))

    listed = client.get(API, headers=headers).get_json()["warehouses"]
    assert [w["warehouseID"] for w in listed] == [NORTH]
    calls = [
        client.get(f"{API}/{SOUTH}/suborders", headers=headers),
        client.get(f"{API}/{SOUTH}/suborders?status=SHIPPED", headers=headers),
        client.post(f"{API}/{SOUTH}/suborders/s-S1/ship", headers=headers),
        client.post(f"{API}/{SOUTH}/suborders/s-S1/deliver", headers=headers),
        client.post(f"{API}/{SOUTH}/restock", json={"itemID": 1, "quantity": 5}, headers=headers),
    ]
    assert [c.status_code for c in calls] == [404] * 5
    # ...worded exactly as for a warehouse that does not exist: nothing to tell them apart.
    unknown = client.get(f"{API}/999/suborders", headers=headers).get_json()["error"]
    assert calls[0].get_json()["error"] == unknown | {"message": f"There is no warehouse {SOUTH}."}
    assert ports.reads.rows["s-S1"].status == "ASSIGNED"
    assert ports.fulfilment.calls == [] and ports.shelves.shelves == {}


def test_a_worker_ships_delivers_and_restocks_in_its_own_warehouse(portal):
    app, ports = portal
    client, headers = app.test_client(), api_headers(app, account("warehouse", NORTH, SOUTH))

    assert client.get(f"{API}/{SOUTH}/suborders", headers=headers).status_code == 200
    shipped = client.post(f"{API}/{SOUTH}/suborders/s-S1/ship", headers=headers)
    delivered = client.post(f"{API}/{SOUTH}/suborders/s-S1/deliver", headers=headers)
    restocked = client.post(
        f"{API}/{NORTH}/restock", json={"itemID": 1, "quantity": 5}, headers=headers
    )
    assert shipped.get_json()["status"] == "SHIPPED"
    assert delivered.get_json()["status"] == "DELIVERED"
    assert restocked.status_code == 200 and ports.shelves.shelves == {(NORTH, 1): 5}


def test_an_operator_works_in_every_warehouse(portal):
    app, ports = portal
    client, headers = app.test_client(), api_headers(app, account("operator"))

    listed = client.get(API, headers=headers).get_json()["warehouses"]
    assert {w["warehouseID"] for w in listed} >= {NORTH, SOUTH}
    assert client.post(f"{API}/{SOUTH}/suborders/s-S1/ship", headers=headers).status_code == 200
    assert ports.reads.rows["s-S1"].status == "SHIPPED"


def test_a_worker_cannot_switch_items_hot(portal):
    app, _ = portal
    client, headers = app.test_client(), api_headers(app, account("warehouse", NORTH))

    switched = client.put("/api/v1/items/1/hot", json={"enabled": True}, headers=headers)
    listed = client.get("/api/v1/waiting-rooms", headers=headers)
    assert (switched.status_code, listed.status_code) == (403, 403)
    page = browser(app, account("warehouse", NORTH))
    assert page.get("/staff/waiting-rooms").status_code == 403
    assert (
        page.post("/staff/waiting-rooms", data={"item_id": "1", "enabled": "1"}).status_code == 403
    )


def test_a_worker_cannot_use_the_codec_and_an_operator_only_decodes(portal):
    app, _ = portal
    client = app.test_client()
    worker = api_headers(app, account("warehouse", NORTH))
    operator = api_headers(app, account("operator"))
    admin = api_headers(app, account("admin"))
    sealed = {"payloads": [_sealed(app)]}
    plain = {"payloads": [json_format.MessageToDict(Payload(data=ORDER))]}

    assert client.post("/codec/decode", json=sealed, headers=worker).status_code == 403
    assert client.post("/codec/encode", json=plain, headers=worker).status_code == 403
    assert client.post("/codec/encode", json=plain, headers=operator).status_code == 403
    decoded = client.post("/codec/decode", json=sealed, headers=operator)
    assert decoded.status_code == 200
    assert base64.b64decode(decoded.get_json()["payloads"][0]["data"]) == ORDER
    assert client.post("/codec/encode", json=plain, headers=admin).status_code == 200


# --- the portal: the same rules -------------------------------------------------------


def test_the_portal_hides_another_warehouse_from_a_worker(portal):
    app, ports = portal
    page = browser(app, account("warehouse", NORTH))

    index = page.get("/warehouses").get_data(as_text=True)
    assert f'href="/warehouses/{NORTH}"' in index and f'href="/warehouses/{SOUTH}"' not in index
    answers = [
        page.get(f"/warehouses/{SOUTH}"),
        page.get(f"/warehouses/{SOUTH}/queue"),
        page.post(f"/warehouses/{SOUTH}/suborders/s-S1/ship"),
        page.post(f"/warehouses/{SOUTH}/suborders/s-S1/deliver"),
        page.post(f"/warehouses/{SOUTH}/restock", data={"item_id": "1", "quantity": "5"}),
    ]
    assert [a.status_code for a in answers] == [404] * 5
    assert ports.reads.rows["s-S1"].status == "ASSIGNED" and ports.shelves.shelves == {}
    assert page.get(f"/warehouses/{NORTH}").status_code == 200


def test_a_shopper_gets_403_from_portal_and_api(portal):
    app, _ = portal
    shopper = account("shopper")
    assert app.test_client().get(API, headers=api_headers(app, shopper)).status_code == 403
    assert browser(app, shopper).get(f"/warehouses/{NORTH}").status_code == 403
