"""A shopper keeps an address book: on /account in the browser and at /api/v1/addresses.
Addresses are checked (real country, postal code of its shape, ZIP codes that exist) with a
message per field, and nobody else can read or change them.

On the fakes (tests/fakes/shop.py); the address book's contract test, which runs the
same scenarios on PostgreSQL, is tests/web/test_address_book_contract.py."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.web


@pytest.fixture
def client(fake_shop):
    return fake_shop.app.test_client()


@pytest.fixture
def shopper(fake_shop, client):
    return fake_shop.shopper(client=client)


@pytest.fixture
def api_headers(fake_shop):
    return fake_shop.api_headers()


HOME = {
    "name": "Ada Shopper",
    "line1": "1 Main St",
    "line2": "Apt 4",
    "city": "Seattle",
    "postalCode": "98101",
    "country": "United States",
}
BERLIN = {
    "name": "Ada Shopper",
    "line1": "Unter den Linden 1",
    "city": "Berlin",
    "postalCode": "10117",
    "country": "germany",
}


def test_a_shopper_saves_lists_edits_and_deletes_addresses_through_the_api(client, api_headers):
    created = client.post("/api/v1/addresses", json=HOME, headers=api_headers)
    assert created.status_code == 201, created.get_json()
    body = created.get_json()
    assert body["country"] == "US" and body["line2"] == "Apt 4"
    assert created.headers["Cache-Control"] == "private, no-store"
    address_id = body["addressID"]
    assert created.headers["Location"].endswith(f"/api/v1/addresses/{address_id}")

    listed = client.get("/api/v1/addresses", headers=api_headers).get_json()["addresses"]
    assert [a["addressID"] for a in listed] == [address_id]

    changed = client.put(f"/api/v1/addresses/{address_id}", json=BERLIN, headers=api_headers)
    assert changed.status_code == 200
    assert changed.get_json()["country"] == "DE" and changed.get_json()["line2"] == ""
    assert (
        client.get(f"/api/v1/addresses/{address_id}", headers=api_headers).get_json()["city"]
        == "Berlin"
    )

    assert client.delete(f"/api/v1/addresses/{address_id}", headers=api_headers).status_code == 204
    assert client.get(f"/api/v1/addresses/{address_id}", headers=api_headers).status_code == 404
    assert client.get("/api/v1/addresses", headers=api_headers).get_json() == {"addresses": []}


def test_an_address_we_cannot_deliver_to_gets_a_message_per_field_and_is_not_saved(
    client, api_headers
):
    refused = client.post(
        "/api/v1/addresses",
        json={**HOME, "country": "Narnia", "city": "", "name": 42},
        headers=api_headers,
    )
    assert refused.status_code == 422
    error = refused.get_json()["error"]
    assert error["code"] == "invalid_address"
    assert set(error["fields"]) == {"country", "city", "name"}
    assert "Narnia" in error["fields"]["country"]

    no_such_zip = client.post(
        "/api/v1/addresses", json={**HOME, "postalCode": "00000"}, headers=api_headers
    )
    assert no_such_zip.status_code == 422
    assert "ZIP code 00000" in no_such_zip.get_json()["error"]["fields"]["postalCode"]
    assert client.get("/api/v1/addresses", headers=api_headers).get_json() == {"addresses": []}


@pytest.mark.parametrize("body", ["[]", "not json", '"text"', ""])
def test_a_body_that_is_not_an_object_is_a_400(client, api_headers, body):
    response = client.post(
        "/api/v1/addresses",
        data=body,
        headers={**api_headers, "Content-Type": "application/json"},
    )
    assert response.status_code == 400


def test_another_shoppers_address_cannot_be_read_changed_or_deleted(fake_shop, client, api_headers):
    mine = client.post("/api/v1/addresses", json=HOME, headers=api_headers).get_json()
    intruder = fake_shop.api_headers()
    path = f"/api/v1/addresses/{mine['addressID']}"
    assert client.get(path, headers=intruder).status_code == 404
    assert client.put(path, json=BERLIN, headers=intruder).status_code == 404
    assert client.delete(path, headers=intruder).status_code == 404
    assert client.get("/api/v1/addresses", headers=intruder).get_json() == {"addresses": []}
    assert client.get(path, headers=api_headers).get_json()["city"] == "Seattle"


@pytest.mark.parametrize("address_id", ["0", "abc", "99999999999999999999999", "-1"])
def test_odd_address_ids_are_404s(client, api_headers, address_id):
    assert client.get(f"/api/v1/addresses/{address_id}", headers=api_headers).status_code == 404


def test_the_api_needs_a_token(client):
    assert client.get("/api/v1/addresses").status_code == 401
    assert client.post("/api/v1/addresses", json=HOME).status_code == 401


def test_the_account_page_needs_a_signed_in_shopper(client):
    response = client.get("/account")
    assert response.status_code in (302, 303)
    assert "/login" in response.headers["Location"]


def test_on_the_account_page_a_shopper_adds_edits_and_deletes_an_address(client, shopper):
    page = client.get("/account").get_data(as_text=True)
    assert "No saved addresses yet" in page and shopper.email in page

    added = shopper.post("/account/addresses", HOME)
    assert added.status_code == 303
    page = client.get("/account").get_data(as_text=True)
    assert "1 Main St" in page and "98101 Seattle" in page

    address_id = _saved_ids(page)[0]
    edit = client.get(f"/account/addresses/{address_id}/edit").get_data(as_text=True)
    assert 'value="1 Main St"' in edit
    updated = shopper.post(f"/account/addresses/{address_id}", BERLIN, htmx=True)
    assert updated.status_code == 200
    fragment = updated.get_data(as_text=True)
    assert fragment.lstrip().startswith('<section id="address-book"')
    assert "Address updated." in fragment and "Unter den Linden 1" in fragment
    assert "DE" in fragment

    deleted = shopper.post(f"/account/addresses/{address_id}/delete", {}, htmx=True)
    assert "No saved addresses yet" in deleted.get_data(as_text=True)


def test_on_the_account_page_each_wrong_field_says_what_is_wrong(client, shopper):
    refused = shopper.post(
        "/account/addresses", {**HOME, "postalCode": "ABC", "country": "Narnia"}, htmx=True
    )
    assert refused.status_code == 422
    page = refused.get_data(as_text=True)
    assert 'data-test="field-error-country"' in page
    assert "We don&#39;t recognise the country" in page
    assert 'value="1 Main St"' in page  # what was typed stays
    assert "No saved addresses yet" in page


def test_another_shoppers_address_is_not_found_on_the_account_page(fake_shop):
    me = fake_shop.shopper()
    owner = me.client
    me.post("/account/addresses", HOME)
    address_id = _saved_ids(owner.get("/account").get_data(as_text=True))[0]
    them = fake_shop.shopper()
    intruder = them.client
    assert intruder.get(f"/account/addresses/{address_id}/edit").status_code == 404
    assert them.post(f"/account/addresses/{address_id}", BERLIN).status_code == 404
    assert them.post(f"/account/addresses/{address_id}/delete", {}).status_code == 404
    assert "1 Main St" in owner.get("/account").get_data(as_text=True)


def _saved_ids(page: str) -> list[int]:
    import re

    return [int(m) for m in re.findall(r'data-address-id="(\d+)"', page)]
