"""What the waiting-room tests do over HTTP (fixtures: tests/web/waiting_room_fixtures.py)."""

from __future__ import annotations

import time

from flask.testing import FlaskClient

from tests.web.checkout_calls import ApiShopper


def make_hot(client: FlaskClient, staff: ApiShopper, item_id: int, enabled: bool = True):
    answer = client.put(
        f"/api/v1/items/{item_id}/hot", json={"enabled": enabled}, headers=staff.headers
    )
    assert answer.status_code == 200, answer.get_json()
    return answer.get_json()


def join(client: FlaskClient, shopper: ApiShopper, item_id: int, quantity: int = 1, **extra):
    return client.post(
        "/api/v1/checkout?op=BEGIN",
        json={"cart": [{"itemID": item_id, "quantity": quantity}], **extra},
        headers=shopper.headers,
    )


def ticket_status(client: FlaskClient, shopper: ApiShopper, status_url: str) -> dict:
    answer = client.get(status_url, headers=shopper.headers)
    assert answer.status_code == 200, answer.get_json()
    return answer.get_json()


def until(check, *, seconds: float = 120.0, what: str = "", every: float = 0.05):
    """Poll `check` until it returns something truthy (a generous deadline, not a timing)."""
    deadline = time.monotonic() + seconds
    while not (found := check()):
        if time.monotonic() > deadline:
            raise AssertionError(f"never happened: {what}")
        time.sleep(every)
    return found
