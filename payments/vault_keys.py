"""Sealing card details for the sandbox vault: AES-256-GCM with keys of their own.

The vault (`payment_methods`) keeps a card for minutes, between tokenize and authorize,
which run in different processes (web and worker): both read the same `VAULT_KEYS`.
The first key seals, every key opens, so keys rotate like PAYLOAD_ENCRYPTION_KEYS
(docs/security.md, "Card data"). Each sealed value starts with its key's id (a hash of
the key, never the key) and a random nonce; the row's id is bound in as associated data,
so a sealed number copied onto another row does not open. A dump of the table, or any
SQL at all, shows only ciphertext.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Sequence

from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from settings import Settings

_KEY_ID_BYTES = 6
_NONCE_BYTES = 12


class VaultKeyMissing(LookupError):
    """A value sealed with a key no longer in VAULT_KEYS: refused, never misread."""


def _derive(material: str) -> bytes:
    # Domain-separated from the payload keys even if an operator reused one.
    return hashlib.sha256(b"shopflow-card-vault:" + material.encode()).digest()


def _key_id(key: bytes) -> bytes:
    return hashlib.sha256(key).digest()[:_KEY_ID_BYTES]


class CardSealer:
    def __init__(self, keys: Sequence[str]) -> None:
        if not keys:
            raise ValueError("VAULT_KEYS is empty: the card vault cannot seal anything")
        derived = [_derive(key) for key in keys]
        self._current = _key_id(derived[0])
        self._aeads = {_key_id(key): AESGCM(key) for key in derived}

    def seal(self, plain: str, *, row_id: str) -> bytes:
        nonce = os.urandom(_NONCE_BYTES)
        sealed = self._aeads[self._current].encrypt(nonce, plain.encode(), row_id.encode())
        return self._current + nonce + sealed

    def open(self, sealed: bytes, *, row_id: str) -> str:
        key_id = bytes(sealed[:_KEY_ID_BYTES])
        aead = self._aeads.get(key_id)
        if aead is None:
            raise VaultKeyMissing(f"card sealed with key id {key_id.hex()}, not in VAULT_KEYS")
        nonce = bytes(sealed[_KEY_ID_BYTES : _KEY_ID_BYTES + _NONCE_BYTES])
        body = bytes(sealed[_KEY_ID_BYTES + _NONCE_BYTES :])
        return aead.decrypt(nonce, body, row_id.encode()).decode()


def card_sealer(settings: Settings) -> CardSealer:
    """The sealer of VAULT_KEYS. In dev with none set: one derived from SECRET_KEY
    (outside dev, `settings.require_safe_secrets` refuses to start without VAULT_KEYS)."""
    return CardSealer(settings.vault_keys or (settings.secret_key,))
