"""The codec server the Temporal Web UI decodes payloads with: staff only, the UI's origin only.

On the fake shop (tests/web/auth_fast.py): who may decode, the seal and the 400s are the
web's decisions; only the embedded Web UI's settings need the real stack."""

from __future__ import annotations

import base64
import json
import urllib.request

import pytest
from google.protobuf import json_format
from temporalio.api.common.v1 import Payload

import temporal_client
from tests.web.auth_fast import *  # noqa: F403 - app, web_settings, ... on fakes
from tests.web.shoppers import PASSWORD, new_email, post_form, register_in_browser
from web.auth.accounts import hash_password

pytestmark = pytest.mark.web

ORDER = b'{"order_id": "o-42", "lines": [{"item_id": 7, "quantity": 2}]}'


def sealed(settings, data: bytes = ORDER) -> dict:
    plain = Payload(metadata={"encoding": b"json/plain"}, data=data)
    return json_format.MessageToDict(temporal_client.codec(settings).encrypt(plain))


def staff_client(app, role: str = "operator"):
    email = new_email(role)
    accounts = app.extensions["shopflow"].accounts  # the fake shop's (tests/fakes/auth.py)
    accounts.create(email=email, password_hash=hash_password(PASSWORD), role=role)
    client = app.test_client()
    assert post_form(client, "/login", {"email": email, "password": PASSWORD}).status_code == 303
    return client, email


def decode(client, payloads, **headers):
    return client.post("/codec/decode", json={"payloads": payloads}, headers=headers)


def test_a_staff_member_signed_in_reads_a_payload_in_clear(app, web_settings):
    staff, _ = staff_client(app)

    answer = decode(staff, [sealed(web_settings)])

    assert answer.status_code == 200, answer.get_json()
    [payload] = answer.get_json()["payloads"]
    assert base64.b64decode(payload["data"]) == ORDER
    assert base64.b64decode(payload["metadata"]["encoding"]) == b"json/plain"


def test_the_cli_decodes_with_a_staff_bearer_token(app, web_settings):
    staff, email = staff_client(app)
    token = staff.post("/api/v1/auth/token", json={"email": email, "password": PASSWORD})
    headers = {"Authorization": f"Bearer {token.get_json()['token']}"}

    answer = decode(app.test_client(), [sealed(web_settings)], **headers)

    assert answer.status_code == 200


def test_visitors_get_401_and_shoppers_403(app, web_settings):
    assert decode(app.test_client(), [sealed(web_settings)]).status_code == 401
    shopper = app.test_client()
    register_in_browser(shopper)
    refused = decode(shopper, [sealed(web_settings)])
    assert refused.status_code == 403 and b"o-42" not in refused.data


def test_encode_then_decode_round_trips_and_encode_seals(app):
    staff, _ = staff_client(app, "admin")
    plain = json_format.MessageToDict(Payload(metadata={"encoding": b"json/plain"}, data=ORDER))

    encoded = staff.post("/codec/encode", json={"payloads": [plain]}).get_json()["payloads"]

    assert ORDER not in base64.b64decode(encoded[0]["data"])
    assert base64.b64decode(encoded[0]["metadata"]["encoding"]) == b"binary/encrypted"
    again = decode(staff, encoded).get_json()["payloads"]
    assert base64.b64decode(again[0]["data"]) == ORDER


def test_a_payload_sealed_with_a_key_the_store_does_not_have_is_a_400(app, web_settings):
    from dataclasses import replace

    staff, _ = staff_client(app)
    foreign = replace(web_settings, payload_encryption_keys=("f" * 40,))

    answer = decode(staff, [sealed(foreign)])

    assert answer.status_code == 400 and answer.get_json()["error"]["code"] == "payload_rejected"


@pytest.mark.parametrize(
    "body",
    ['{"payloads": 1}', "[]", "not json", '{"payloads": [{"metadata": "x"}]}', "[" * 5000],
)
def test_a_malformed_body_is_a_400(app, body):
    staff, _ = staff_client(app)
    answer = staff.post("/codec/decode", data=body, content_type="application/json")
    assert answer.status_code == 400


def test_cors_answers_the_web_uis_origin_only(app, web_settings):
    ui = f"http://127.0.0.1:{web_settings.temporal_ui_port}"
    client = app.test_client()
    preflight = {"Access-Control-Request-Method": "POST"}

    allowed = client.options("/codec/decode", headers={"Origin": ui, **preflight})
    evil = client.options("/codec/decode", headers={"Origin": "https://evil.example", **preflight})

    assert allowed.headers["Access-Control-Allow-Origin"] == ui
    assert allowed.headers["Access-Control-Allow-Credentials"] == "true"
    assert "X-Namespace" in allowed.headers["Access-Control-Allow-Headers"]
    assert "Access-Control-Allow-Origin" not in evil.headers


@pytest.mark.integration
def test_the_embedded_web_ui_is_started_with_the_stores_codec_endpoint(stack_settings):
    url = f"http://127.0.0.1:{stack_settings.temporal_ui_port}/api/v1/settings"
    with urllib.request.urlopen(url, timeout=10) as answer:
        ui_settings = json.load(answer)

    assert ui_settings["Codec"]["Endpoint"] == stack_settings.codec_endpoint
