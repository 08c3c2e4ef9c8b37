"""Temporal payloads: sealed with the newest key, opened with any listed key, plain ones refused."""

from __future__ import annotations

import asyncio

import pytest
from temporalio.api.common.v1 import Payload

from settings import Settings
from temporal_client import KEY_ID, PayloadRejected, codec

pytestmark = pytest.mark.unit

OLD, NEW = "o" * 40, "n" * 40


def _settings(*keys: str) -> Settings:
    return Settings(secret_key="s" * 40, payload_encryption_keys=keys)


def _roundtrip(sealer: Settings, opener: Settings, payload: Payload) -> Payload:
    sealed = asyncio.run(codec(sealer).encode([payload]))
    return asyncio.run(codec(opener).decode(sealed))[0]


def test_a_payload_sealed_with_the_old_key_still_opens_after_rotation():
    plain = Payload(metadata={"encoding": b"json/plain"}, data=b'{"order": "o-1"}')
    assert _roundtrip(_settings(OLD), _settings(NEW, OLD), plain) == plain


def test_each_payload_names_the_key_that_sealed_it_and_the_newest_key_seals():
    plain = Payload(metadata={"encoding": b"json/plain"}, data=b"{}")
    old_id = asyncio.run(codec(_settings(OLD)).encode([plain]))[0].metadata[KEY_ID]
    rotated = asyncio.run(codec(_settings(NEW, OLD)).encode([plain]))[0].metadata[KEY_ID]
    assert old_id != rotated
    assert asyncio.run(codec(_settings(NEW)).encode([plain]))[0].metadata[KEY_ID] == rotated


def test_a_payload_sealed_with_a_dropped_key_is_refused_not_misread():
    plain = Payload(metadata={"encoding": b"json/plain"}, data=b"{}")
    with pytest.raises(PayloadRejected, match="key"):
        _roundtrip(_settings(OLD), _settings(NEW), plain)


def test_a_plain_payload_from_outside_the_app_is_refused():
    forged = Payload(metadata={"encoding": b"json/plain"}, data=b'{"user_id": 1}')
    with pytest.raises(PayloadRejected, match="not encrypted"):
        asyncio.run(codec(_settings(NEW)).decode([forged]))


def test_a_tampered_payload_is_refused():
    sealed = asyncio.run(codec(_settings(NEW)).encode([Payload(data=b"x")]))[0]
    sealed.data = sealed.data[:-1] + bytes([sealed.data[-1] ^ 1])
    with pytest.raises(PayloadRejected, match="tampered"):
        asyncio.run(codec(_settings(NEW)).decode([sealed]))
