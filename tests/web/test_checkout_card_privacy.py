"""The card a shopper types never lands in Temporal's history in clear."""

from __future__ import annotations

import base64
import json

import pytest

from tests.web.checkout_calls import APPROVED, DECLINED, begin, payment
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


def test_a_decoded_history_of_a_paid_checkout_holds_a_card_token_never_the_number_or_cvc(
    shop, api_shopper, stock_item, checkout_worker
):
    item = stock_item(3)
    shopper = api_shopper({item: 1})
    checkout = begin(shop, shopper).get_json()
    declined = shop.post(
        checkout["paymentInputURL"], json=payment(DECLINED, cvc="321"), headers=shopper.headers
    )
    assert declined.status_code == 402
    paid = shop.post(
        checkout["paymentInputURL"], json=payment(APPROVED, cvc="987"), headers=shopper.headers
    )
    assert paid.status_code == 200, paid.get_json()

    async def decoded_history() -> bytes:
        import temporal_client

        # Exactly what an operator with the keys (the codec server) can read.
        client = await temporal_client.connect(checkout_worker.settings)
        history = await client.get_workflow_handle(
            checkout_workflow_id(shopper.user_id)
        ).fetch_history()
        events = json.loads(history.to_json())
        codec = temporal_client.codec(checkout_worker.settings)
        return await _decoded_payload_bytes(events, codec)

    readable = checkout_worker.run(decoded_history())
    assert b"pm_" in readable and b"4242" in readable  # the token and the last four
    for secret in (APPROVED, DECLINED):
        digits = secret.replace(" ", "")
        assert digits.encode() not in readable and secret.encode() not in readable
        assert digits[:12].encode() not in readable  # not even the first twelve
    for cvc in (b'"987"', b'"321"', b"cvc", b"card_number"):
        assert cvc not in readable
    shop.post(
        "/api/v1/checkout?op=CANCEL",
        json={"checkoutID": checkout["checkoutID"]},
        headers=shopper.headers,
    )


async def _decoded_payload_bytes(node, codec) -> bytes:
    """Every payload of a history (proto JSON), decrypted with the store's keys, joined."""
    from google.protobuf import json_format
    from temporalio.api.common.v1 import Payload

    from temporal_client import is_encrypted

    found = bytearray()
    if isinstance(node, dict):
        if "data" in node and "metadata" in node and isinstance(node["data"], str):
            payload = json_format.ParseDict(node, Payload())
            if is_encrypted(payload):  # search attributes are plain by design
                [payload] = await codec.decode([payload])
            return payload.data + b" " + b" ".join(payload.metadata.values())
        for value in node.values():
            found += await _decoded_payload_bytes(value, codec)
    elif isinstance(node, list):
        for value in node:
            found += await _decoded_payload_bytes(value, codec)
    return bytes(found)


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
