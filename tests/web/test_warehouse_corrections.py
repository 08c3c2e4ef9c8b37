"""Correcting a warehouse's stock down, on the fake ports (tests/fakes/warehouses.py):
a negative restock needs a reason, may take at most what no one counts on (409 with how
many may go, nothing changed), is recorded with who and why, and the portal shows the
latest. On PostgreSQL, with I1-I3: test_warehouse_corrections_stack.py."""

from __future__ import annotations

import pytest

from tests.fakes.signed_in import account, api_headers, browser
from tests.fakes.warehouses import NORTH, SOUTH
from tests.web.shoppers import HTMX

pytest_plugins = ["tests.fakes.portal_fixtures"]
pytestmark = pytest.mark.web

API = "/api/v1/warehouses"
LANTERN = 1


def _correct(client, headers, warehouse: int = NORTH, **body):
    return client.post(f"{API}/{warehouse}/restock", json=body, headers=headers)


@pytest.fixture
def stocked(fake_ports):
    fake_ports.shelves.shelves[(NORTH, LANTERN)] = 6
    fake_ports.shelves.shelves[(SOUTH, LANTERN)] = 4
    return fake_ports.shelves


def test_a_correction_down_takes_units_off_and_is_recorded_with_who_and_why(
    fake_client, fake_app, stocked
):
    operator = account("operator")
    headers = api_headers(fake_app, operator)

    answer = _correct(fake_client, headers, itemID=LANTERN, quantity=-2, reason="damaged",
                      note="dropped a pallet")  # fmt: skip

    assert answer.status_code == 200, answer.get_json()
    body = answer.get_json()
    assert (body["quantity"], body["reason"], body["note"]) == (-2, "damaged", "dropped a pallet")
    assert (body["physicalStock"], body["by"]) == (4, operator.id)
    assert stocked.shelves[(NORTH, LANTERN)] == 4
    listed = fake_client.get(f"{API}/{NORTH}/corrections", headers=headers).get_json()
    assert [(c["itemID"], c["quantity"], c["reason"]) for c in listed["corrections"]] == [
        (LANTERN, -2, "damaged")
    ]


def test_removing_more_than_may_go_is_a_409_that_says_how_many_and_changes_nothing(
    fake_client, fake_operator_headers, stocked
):
    stocked.held[LANTERN] = 7  # of 10 in all, 7 are promised: 3 may go, even from NORTH's 6

    answer = _correct(fake_client, fake_operator_headers, itemID=LANTERN, quantity=-4,
                      reason="lost")  # fmt: skip

    assert answer.status_code == 409
    error = answer.get_json()["error"]
    assert (error["code"], error["removable"]) == ("too_many_to_remove", 3)
    assert stocked.shelves[(NORTH, LANTERN)] == 6 and stocked.recorded == []
    assert _correct(fake_client, fake_operator_headers, itemID=LANTERN, quantity=-3,
                    reason="lost").status_code == 200  # fmt: skip


@pytest.mark.parametrize(
    "body",
    [
        {"itemID": LANTERN, "quantity": -1},  # no reason
        {"itemID": LANTERN, "quantity": -1, "reason": "stolen by elves"},
        {"itemID": LANTERN, "quantity": -1, "reason": "other"},  # other needs a note
        {"itemID": LANTERN, "quantity": -1, "reason": "damaged", "note": 5},
        {"itemID": LANTERN, "quantity": -1, "reason": "damaged", "note": "x" * 301},
        {"itemID": LANTERN, "quantity": 2, "reason": "damaged"},  # a reason with units in
        {"itemID": LANTERN, "quantity": -1, "reason": 3},
    ],
)
def test_a_correction_without_a_good_reason_is_a_400_and_changes_nothing(
    fake_client, fake_operator_headers, stocked, body
):
    answer = _correct(fake_client, fake_operator_headers, **body)
    assert answer.status_code == 400, answer.get_json()
    assert stocked.shelves[(NORTH, LANTERN)] == 6 and stocked.recorded == []


def test_a_worker_corrects_only_their_own_warehouse_and_a_shopper_not_at_all(
    fake_client, fake_app, stocked
):
    worker = api_headers(fake_app, account("warehouse", SOUTH))
    shopper = api_headers(fake_app, account("shopper"))
    body = {"itemID": LANTERN, "quantity": -1, "reason": "damaged"}
    assert _correct(fake_client, worker, NORTH, **body).status_code == 404
    assert fake_client.get(f"{API}/{NORTH}/corrections", headers=worker).status_code == 404
    assert _correct(fake_client, shopper, NORTH, **body).status_code == 403
    assert _correct(fake_client, worker, SOUTH, **body).status_code == 200
    assert stocked.shelves[(NORTH, LANTERN)] == 6


def test_the_portal_form_corrects_down_and_lists_the_latest_corrections(fake_app, stocked):
    page = browser(fake_app, account("warehouse", NORTH))
    form = {"item_id": "1", "units": "2", "reason": "count correction", "note": "recount"}

    answer = page.post(f"/warehouses/{NORTH}/corrections", data=form, headers=HTMX)

    text = answer.get_data(as_text=True)
    assert answer.status_code == 200, text
    assert 'data-test="correct-done"' in text and 'data-test="correction-row"' in text
    assert "recount" in text and stocked.shelves[(NORTH, LANTERN)] == 4
    whole = page.get(f"/warehouses/{NORTH}").get_data(as_text=True)
    assert 'data-test="correct"' in whole and 'data-test="correction-row"' in whole


def test_the_portal_form_says_how_many_may_go(fake_app, stocked):
    page = browser(fake_app, account("operator"))
    form = {"item_id": "1", "units": "9", "reason": "lost", "note": ""}

    answer = page.post(f"/warehouses/{NORTH}/corrections", data=form, headers=HTMX)

    assert answer.status_code == 409
    assert "Only 6 unit(s) can be removed." in answer.get_data(as_text=True)
    assert stocked.shelves[(NORTH, LANTERN)] == 6
    bad = page.post(f"/warehouses/{NORTH}/corrections", data={**form, "units": "two"}, headers=HTMX)
    assert bad.status_code == 400
