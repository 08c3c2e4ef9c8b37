"""One way to connect to Temporal, shared by the web gateway, the worker and the CLI.

Payloads (workflow inputs, update arguments, results) are encrypted with AES-GCM
before they leave the process, so the card number and CVC a shopper types on the
payment page never sit in Temporal's history in clear. Search attributes stay
readable, which is what operators find checkouts and orders by in the Web UI.
Payloads written without encryption (older histories) still decode.
"""

from __future__ import annotations

import dataclasses
import hashlib
import os
from collections.abc import Sequence

import temporalio.converter
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from temporalio.api.common.v1 import Payload
from temporalio.client import Client
from temporalio.converter import PayloadCodec

from settings import Settings

ENCODING = b"binary/encrypted"
_NONCE_BYTES = 12


def payload_key(settings: Settings) -> bytes:
    """The AES-256 key: derived from the secret every web and worker process shares."""
    material = settings.payload_encryption_key or settings.secret_key
    return hashlib.sha256(b"shopflow-temporal-payloads:" + material.encode()).digest()


class EncryptionCodec(PayloadCodec):
    def __init__(self, key: bytes) -> None:
        self._aead = AESGCM(key)
        # Names the key, so a rotated key can be told apart from a tampered payload.
        self._key_id = hashlib.sha256(key).hexdigest()[:12].encode()

    async def encode(self, payloads: Sequence[Payload]) -> list[Payload]:
        return [self._encrypt(p) for p in payloads]

    async def decode(self, payloads: Sequence[Payload]) -> list[Payload]:
        return [self._decrypt(p) for p in payloads]

    def _encrypt(self, payload: Payload) -> Payload:
        nonce = os.urandom(_NONCE_BYTES)
        sealed = self._aead.encrypt(nonce, payload.SerializeToString(), None)
        return Payload(
            metadata={"encoding": ENCODING, "encryption-key-id": self._key_id},
            data=nonce + sealed,
        )

    def _decrypt(self, payload: Payload) -> Payload:
        if payload.metadata.get("encoding") != ENCODING:
            return payload  # written before encryption was on
        if payload.metadata.get("encryption-key-id") != self._key_id:
            raise ValueError("payload was encrypted with another key (PAYLOAD_ENCRYPTION_KEY)")
        nonce, sealed = payload.data[:_NONCE_BYTES], payload.data[_NONCE_BYTES:]
        return Payload.FromString(self._aead.decrypt(nonce, sealed, None))


def data_converter(settings: Settings) -> temporalio.converter.DataConverter:
    return dataclasses.replace(
        temporalio.converter.default(), payload_codec=EncryptionCodec(payload_key(settings))
    )


async def connect(settings: Settings) -> Client:
    return await Client.connect(
        settings.temporal_address,
        namespace=settings.temporal_namespace,
        data_converter=data_converter(settings),
    )

