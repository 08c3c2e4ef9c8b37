"""Keys `shopflow run` generates once into var/ so a fresh machine starts with real secrets.

Only secrets the environment does not set are generated; they are written to
`var/secrets.json` (mode 0600) on the first run and read back on every later run, so
sessions, API tokens and Temporal histories stay valid across restarts. Deleting
the file signs everyone out and makes existing workflow histories unreadable.
"""

from __future__ import annotations

import json
import os
import secrets
from dataclasses import replace
from pathlib import Path

from settings import DEV_SECRET_KEY, Settings

FILE_NAME = "secrets.json"


def _new_key() -> str:
    return secrets.token_urlsafe(48)  # 64 characters, 384 bits


def secrets_path(settings: Settings) -> Path:
    return settings.var_dir / FILE_NAME


def _load_or_create(path: Path) -> dict:
    if path.exists():
        return json.loads(path.read_text())
    path.parent.mkdir(parents=True, exist_ok=True)
    stored = {"SECRET_KEY": _new_key(), "PAYLOAD_ENCRYPTION_KEYS": [_new_key()]}
    # Created with 0600 from the start: never readable by another user, not even briefly.
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w") as out:
        json.dump(stored, out, indent=2)
    return stored


def stored_secrets(settings: Settings) -> dict:
    """The keys `shopflow run` generated, if it did ({} otherwise; never creates them)."""
    path = secrets_path(settings)
    return json.loads(path.read_text()) if path.exists() else {}


def with_generated_secrets(settings: Settings) -> Settings:
    """`settings` with SECRET_KEY / PAYLOAD_ENCRYPTION_KEYS from var/ where the env set none."""
    # The dev fallback key is published, so even in dev a generated one is better.
    wants_key = settings.secret_key in ("", DEV_SECRET_KEY)
    wants_payload_keys = not settings.payload_encryption_keys
    if not (wants_key or wants_payload_keys):
        return settings
    stored = _load_or_create(secrets_path(settings))
    changes: dict[str, object] = {}
    if wants_key:
        changes["secret_key"] = stored["SECRET_KEY"]
    if wants_payload_keys:
        changes["payload_encryption_keys"] = tuple(stored["PAYLOAD_ENCRYPTION_KEYS"])
    return replace(settings, **changes)
