"""One way to connect to Temporal, shared by the web gateway, the worker and the CLI.

Payloads (workflow inputs, update arguments, results) are encrypted with AES-GCM
before they leave the process; search attributes stay readable, which is what
operators find checkouts and orders by in the Web UI (whose codec endpoint,
web/codec.py, decrypts payloads for staff).

Keys come from PAYLOAD_ENCRYPTION_KEYS: the first encrypts, every key decrypts, and
each payload names the id of the key that sealed it, so a key can be rotated by
putting a new one first and dropping the old one once no history needs it. A payload
that is not encrypted is refused: everything the store writes is, so a plain one was
sent by someone outside the app (e.g. straight to an exposed Temporal port).
"""

from __future__ import annotations

import dataclasses
import hashlib
import os
from collections.abc import Sequence

import temporalio.converter
from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from temporalio.api.common.v1 import Payload
from temporalio.client import Client
from temporalio.contrib.opentelemetry import TracingInterceptor
from temporalio.converter import PayloadCodec
from temporalio.runtime import Runtime
from temporalio.service import TLSConfig

from settings import Settings

ENCODING = b"binary/encrypted"
KEY_ID = "encryption-key-id"
_NONCE_BYTES = 12


class PayloadRejected(ValueError):
    """A payload this store did not seal (plain, another key, or tampered with)."""


def derive_key(material: str) -> bytes:
    """The AES-256 key for one configured secret (any length >= 32 bytes)."""
    return hashlib.sha256(b"shopflow-temporal-payloads:" + material.encode()).digest()


def payload_keys(settings: Settings) -> list[bytes]:
    """AES keys, the encrypting one first. In dev with none set: one derived from SECRET_KEY."""
    materials = settings.payload_encryption_keys or (settings.secret_key,)
    return [derive_key(material) for material in materials]


def key_id(key: bytes) -> bytes:
    # A hash of the key, not the key: it names it without revealing it.
    return hashlib.sha256(key).hexdigest()[:12].encode()


def is_encrypted(payload: Payload) -> bool:
    return payload.metadata.get("encoding") == ENCODING


class EncryptionCodec(PayloadCodec):
    def __init__(self, keys: Sequence[bytes]) -> None:
        if not keys:
            raise ValueError("at least one payload encryption key is needed")
        self._current = key_id(keys[0])
        self._aeads = {key_id(key): AESGCM(key) for key in keys}

    async def encode(self, payloads: Sequence[Payload]) -> list[Payload]:
        return [self.encrypt(p) for p in payloads]

    async def decode(self, payloads: Sequence[Payload]) -> list[Payload]:
        return [self.decrypt(p) for p in payloads]

    def encrypt(self, payload: Payload) -> Payload:
        nonce = os.urandom(_NONCE_BYTES)
        sealed = self._aeads[self._current].encrypt(nonce, payload.SerializeToString(), None)
        return Payload(
            metadata={"encoding": ENCODING, KEY_ID: self._current},
            data=nonce + sealed,
        )

    def decrypt(self, payload: Payload) -> Payload:
        if not is_encrypted(payload):
            raise PayloadRejected("payload is not encrypted: it was not written by this store")
        aead = self._aeads.get(payload.metadata.get(KEY_ID, b""))
        if aead is None:
            raise PayloadRejected(
                "payload was encrypted with a key not in PAYLOAD_ENCRYPTION_KEYS "
                f"(key id {payload.metadata.get(KEY_ID, b'').decode(errors='replace')!r})"
            )
        nonce, sealed = payload.data[:_NONCE_BYTES], payload.data[_NONCE_BYTES:]
        try:
            return Payload.FromString(aead.decrypt(nonce, sealed, None))
        except InvalidTag as exc:
            raise PayloadRejected("payload failed authentication (tampered with)") from exc


def codec(settings: Settings) -> EncryptionCodec:
    return EncryptionCodec(payload_keys(settings))


def data_converter(settings: Settings) -> temporalio.converter.DataConverter:
    return dataclasses.replace(temporalio.converter.default(), payload_codec=codec(settings))


def tls_config(settings: Settings) -> TLSConfig | bool:
    """TLS for a real cluster (docs/deploy.md): mTLS from PEM files, or plain TLS when an
    API key is set (Temporal Cloud); the embedded dev server speaks neither."""
    files = (settings.temporal_tls_ca, settings.temporal_tls_cert, settings.temporal_tls_key)
    if any(files):
        ca, cert, key = (path.read_bytes() if path else None for path in files)
        return TLSConfig(server_root_ca_cert=ca, client_cert=cert, client_private_key=key)
    return bool(settings.temporal_api_key)


async def connect(settings: Settings, *, runtime: Runtime | None = None) -> Client:
    """The store's client. `runtime`: the worker's, which serves the SDK's metrics.

    The TracingInterceptor carries the caller's OpenTelemetry context in each call's
    headers, and (the worker being built on this client) opens the workflow and
    activity spans: a no-op until a tracer provider is installed (docs/operations.md).
    """
    return await Client.connect(
        settings.temporal_address,
        namespace=settings.temporal_namespace,
        data_converter=data_converter(settings),
        tls=tls_config(settings),
        api_key=settings.temporal_api_key,
        interceptors=[TracingInterceptor()],
        runtime=runtime,
    )
