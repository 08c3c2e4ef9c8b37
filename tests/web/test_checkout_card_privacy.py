"""The card a shopper types never lands in Temporal's history in clear."""

from __future__ import annotations

import base64
import json

import pytest

from tests.web.checkout_calls import APPROVED, begin, payment
from workflows.checkout_messages import checkout_workflow_id

pytest_plugins = ["tests.web.checkout_fixtures"]

pytestmark = [pytest.mark.web, pytest.mark.integration]


def test_the_card_number_and_cvc_are_encrypted_in_the_checkout_history(
    shop, api_shopper, stock_item, checkout_worker
):
    item = stock_item(3)
    shopper = api_shopper({item: 1})
    checkout = begin(shop, shopper).get_json()
    card = payment(APPROVED, cvc="987")
    paid = shop.post(checkout["paymentInputURL"], json=card, headers=shopper.headers)
    assert paid.status_code == 200, paid.get_json()

    async def raw_history() -> bytes:
        from temporalio.client import Client

        # A client WITHOUT the codec sees exactly what the Temporal server stores.
        settings = checkout_worker.settings
        raw = await Client.connect(settings.temporal_address, namespace=settings.temporal_namespace)
        handle = raw.get_workflow_handle(checkout_workflow_id(shopper.user_id))
        history = await handle.fetch_history()
        return _payload_bytes(json.loads(history.to_json()))

    stored = checkout_worker.run(raw_history())
    assert b"binary/encrypted" in stored
    digits = APPROVED.replace(" ", "").encode()
    for secret in (APPROVED.encode(), digits, b'"987"', b"Ada Shopper"):
        assert secret not in stored

    op_cancel = shop.post(
        "/api/v1/checkout?op=CANCEL",
        json={"checkoutID": checkout["checkoutID"]},
        headers=shopper.headers,
    )
    assert op_cancel.status_code == 200


def _payload_bytes(node) -> bytes:
    """Every payload's data and metadata in a history, base64-decoded and joined."""
    found = bytearray()
    if isinstance(node, dict):
        for key, value in node.items():
            if key == "data" and isinstance(value, str):
                found += base64.b64decode(value)
            elif key == "metadata" and isinstance(value, dict):
                for meta in value.values():
                    found += base64.b64decode(meta) + b" "
            else:
                found += _payload_bytes(value)
    elif isinstance(node, list):
        for value in node:
            found += _payload_bytes(value)
    return bytes(found)
