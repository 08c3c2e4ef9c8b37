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
import stat
from dataclasses import replace
from pathlib import Path

from settings import DEV_SECRET_KEY, Settings

FILE_NAME = "secrets.json"


def _new_key() -> str:
    return secrets.token_urlsafe(48)  # 64 characters, 384 bits


def secrets_path(settings: Settings) -> Path:
    return settings.var_dir / FILE_NAME


def _new_secrets() -> dict:
    return {
        "SECRET_KEY": _new_key(),
        "PAYLOAD_ENCRYPTION_KEYS": [_new_key()],
        "VAULT_KEYS": [_new_key()],
        # The embedded servers' credentials (docs/security.md, "Embedded servers").
        "TYPESENSE_API_KEY": _new_key(),
        "REDIS_PASSWORD": secrets.token_hex(32),  # hex: safe inside a redis:// URL
    }


def _load_or_create(path: Path) -> dict:
    if path.exists():
        stored = json.loads(path.read_text())
        missing = {k: v for k, v in _new_secrets().items() if k not in stored}
        if not missing:
            return stored
        # A file from before a secret existed: keep what it has, add the new ones.
        stored.update(missing)
        _write(path, stored)
        return stored
    secure_var_dir(path.parent)
    stored = _new_secrets()
    _write(path, stored)
    return stored


def _write(path: Path, stored: dict) -> None:
    # Created with 0600 from the start: never readable by another user, not even briefly.
    # A rewrite goes through a new file renamed over the old one.
    temporary = path.with_suffix(".tmp")
    temporary.unlink(missing_ok=True)
    fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w") as out:
        json.dump(stored, out, indent=2)
    os.replace(temporary, path)


def stored_secrets(settings: Settings) -> dict:
    """The keys `shopflow run` generated, if it did ({} otherwise; never creates them)."""
    path = secrets_path(settings)
    return json.loads(path.read_text()) if path.exists() else {}


def with_generated_secrets(settings: Settings) -> Settings:
    """`settings` with SECRET_KEY / PAYLOAD_ENCRYPTION_KEYS / VAULT_KEYS from var/ where the env
    set none."""
    # The dev fallback key is published, so even in dev a generated one is better.
    wants_key = settings.secret_key in ("", DEV_SECRET_KEY)
    wants_payload_keys = not settings.payload_encryption_keys
    wants_vault_keys = not settings.vault_keys
    if not (wants_key or wants_payload_keys or wants_vault_keys):
        return settings
    stored = _load_or_create(secrets_path(settings))
    changes: dict[str, object] = {}
    if wants_key:
        changes["secret_key"] = stored["SECRET_KEY"]
    if wants_payload_keys:
        changes["payload_encryption_keys"] = tuple(stored["PAYLOAD_ENCRYPTION_KEYS"])
    if wants_vault_keys:
        changes["vault_keys"] = tuple(stored["VAULT_KEYS"])
    return replace(settings, **changes)


def with_embedded_credentials(settings: Settings) -> Settings:
    """`settings` with the generated Typesense key and Redis password for the servers
    the stack embeds (a service given by URL keeps the credentials the env gave it)."""
    changes: dict[str, object] = {}
    wants_typesense = not settings.typesense_urls and not settings.typesense_api_key
    wants_redis = settings.redis_url is None and not settings.redis_password
    if not (wants_typesense or wants_redis):
        return settings
    stored = _load_or_create(secrets_path(settings))
    if wants_typesense:
        changes["typesense_api_key"] = stored["TYPESENSE_API_KEY"]
    if wants_redis:
        changes["redis_password"] = stored["REDIS_PASSWORD"]
    return replace(settings, **changes)


def secure_var_dir(var_dir: Path) -> None:
    """var/ readable by its owner only (0700). As root, the embedded PostgreSQL runs as
    its own system user and must traverse var/ to its data: then 0711 (enter, not list)."""
    var_dir.mkdir(parents=True, exist_ok=True)
    var_dir.chmod(0o711 if os.geteuid() == 0 else 0o700)
    # A var/ from before this rule: take group and world access off what we own in it
    # (sockets keep theirs; PostgreSQL's own files belong to its user when root).
    for root, dirs, files in os.walk(var_dir):
        for name in dirs + files:
            path = Path(root) / name
            info = path.lstat()
            if stat.S_ISSOCK(info.st_mode) or stat.S_ISLNK(info.st_mode):
                continue
            if info.st_uid == os.geteuid() and info.st_mode & 0o077:
                path.chmod(stat.S_IMODE(info.st_mode) & 0o700)
