"""The web's composition root (entrypoints/web_services.py) refuses to build on settings
that cannot work, before it builds anything."""

from __future__ import annotations

import secrets

import pytest

from entrypoints.web_services import build_services
from settings import DEV_SECRET_KEY, InsecureSettings, Settings

pytestmark = pytest.mark.unit

STRONG = {
    name: secrets.token_urlsafe(40)
    for name in ("SECRET_KEY", "PAYLOAD_ENCRYPTION_KEYS", "VAULT_KEYS")
}


def test_missing_service_urls_are_named():
    settings = Settings.from_env({**STRONG, "REDIS_URL": "redis://127.0.0.1:9/0"})
    with pytest.raises(ValueError, match="missing DATABASE_URL, TYPESENSE_URL"):
        build_services(settings)


def test_the_published_default_key_is_refused_first():
    with pytest.raises(InsecureSettings):
        build_services(Settings.from_env({"SECRET_KEY": DEV_SECRET_KEY}))
