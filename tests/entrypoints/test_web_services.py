"""The web's composition root (entrypoints/web_services.py) refuses to build on settings
that cannot work, before it builds anything."""

from __future__ import annotations

import pytest

from entrypoints.web_services import build_services
from settings import DEV_SECRET_KEY, InsecureSettings, Settings

pytestmark = pytest.mark.unit

# Keys that pass every check (settings.secret_problems), so only the URLs are missing.
STRONG = {
    "SECRET_KEY": "Kq3v-8ZrT0_wLx5NcYb2Hj7MdPs9AeUf4GiVoRtQ",
    "PAYLOAD_ENCRYPTION_KEYS": "p7Ws-2LmQx9RcZ0vNb4TjHk6YdFa8UeGs1IoPr3E",
    "VAULT_KEYS": "v2Qe-7HnRt4YuKi1OpLa9SdFg3JkZx6CvBn0Mq8W",
    "TYPESENSE_API_KEY": "t5Yh-9NbVc2XzL4mKj8QwEr0TyUi6OpAs3DfGh7J",
}


def test_missing_service_urls_are_named():
    settings = Settings.from_env({**STRONG, "REDIS_URL": "redis://127.0.0.1:9/0"})
    with pytest.raises(ValueError, match="missing DATABASE_URL, TYPESENSE_URL"):
        build_services(settings)


def test_the_published_default_key_is_refused_first():
    with pytest.raises(InsecureSettings):
        build_services(Settings.from_env({"SECRET_KEY": DEV_SECRET_KEY}))
