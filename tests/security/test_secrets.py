"""No secret has a usable default: web and worker refuse public or weak keys at start-up."""

from __future__ import annotations

import json
import stat
import subprocess
import sys

import pytest
import yaml

from settings import (
    DEV_SECRET_KEY,
    PROJECT_ROOT,
    InsecureSettings,
    Settings,
    require_complete,
    require_safe_secrets,
)
from stack.secrets import secrets_path, with_generated_secrets

pytestmark = pytest.mark.unit

# Valid values for every setting a production process needs: each refusal test changes
# exactly one, so it fails for its own reason and for no other.
STRONG = "Kq3v-8ZrT0_wLx5NcYb2Hj7MdPs9AeUf4GiVoRtQ"
PAYLOAD = "p7Ws-2LmQx9RcZ0vNb4TjHk6YdFa8UeGs1IoPr3E"
VAULT = "v2Qe-7HnRt4YuKi1OpLa9SdFg3JkZx6CvBn0Mq8W"
SEARCH_KEY = "t5Yh-9NbVc2XzL4mKj8QwEr0TyUi6OpAs3DfGh7J"
VALID = {
    "SECRET_KEY": STRONG,
    "PAYLOAD_ENCRYPTION_KEYS": PAYLOAD,
    "VAULT_KEYS": VAULT,
    "TYPESENSE_API_KEY": SEARCH_KEY,
    "DATABASE_URL": "postgresql://shopflow:pw@127.0.0.1:1/shopflow",
    "REDIS_URL": "redis://127.0.0.1:1/0",
    "TYPESENSE_URL": "http://127.0.0.1:1",
    "TEMPORAL_ADDRESS": "127.0.0.1:1",
    "MEDIA_URL": "/media",
}


def _env(**extra: str) -> dict[str, str]:
    return {**VALID, **extra}


def test_the_valid_set_is_accepted_as_it_is():
    # Without this, every refusal below could pass for a reason of the base set.
    settings = Settings.from_env(_env())
    require_safe_secrets(settings)
    require_complete(settings)


WEAK_KEYS = {
    "missing": "",
    "the old settings.py default": DEV_SECRET_KEY,
    "compose's old default": "change-me-in-production",
    "short": "too-short-for-hmac",
    "one character repeated": "k" * 40,
    "a repeated pattern": "abcd" * 12,
    "little entropy": "ab" * 10 + "ba" * 10 + "abba",
}


@pytest.mark.parametrize("secret_key", WEAK_KEYS.values(), ids=WEAK_KEYS.keys())
def test_the_store_refuses_to_start_with_a_missing_public_or_weak_secret_key(secret_key):
    settings = Settings.from_env(_env(SECRET_KEY=secret_key))
    with pytest.raises(InsecureSettings) as refused:
        require_safe_secrets(settings)
    assert [p for p in refused.value.problems if "SECRET_KEY" not in p] == []
    assert "SECRET_KEY" in str(refused.value)


@pytest.mark.parametrize("api_key", WEAK_KEYS.values(), ids=WEAK_KEYS.keys())
def test_the_typesense_api_key_is_checked_like_the_secret_key(api_key):
    settings = Settings.from_env(_env(TYPESENSE_API_KEY=api_key))
    with pytest.raises(InsecureSettings) as refused:
        require_safe_secrets(settings)
    assert len(refused.value.problems) == 1
    assert "TYPESENSE_API_KEY" in refused.value.problems[0]


def test_the_store_refuses_to_start_without_a_payload_encryption_key():
    settings = Settings.from_env({k: v for k, v in VALID.items() if k != "PAYLOAD_ENCRYPTION_KEYS"})
    with pytest.raises(InsecureSettings) as refused:
        require_safe_secrets(settings)
    assert refused.value.problems == ["Refusing to start: PAYLOAD_ENCRYPTION_KEYS is not set"]


def test_the_store_refuses_to_start_without_vault_keys_or_with_a_weak_one():
    with pytest.raises(InsecureSettings, match="VAULT_KEYS is not set"):
        require_safe_secrets(Settings.from_env(_env(VAULT_KEYS="")))
    with pytest.raises(InsecureSettings, match="VAULT_KEYS is shorter"):
        require_safe_secrets(Settings.from_env(_env(VAULT_KEYS=f"{VAULT},short")))


def test_vault_keys_are_a_comma_separated_list_newest_first():
    settings = Settings.from_env(_env(VAULT_KEYS=f"{'n' * 40}, {VAULT}"))
    assert settings.vault_keys == ("n" * 40, VAULT)
    assert settings.service_env()["VAULT_KEYS"] == f"{'n' * 40},{VAULT}"


def test_the_web_app_refuses_the_published_default_key_before_building_anything():
    from entrypoints.web_services import build_web_app

    with pytest.raises(InsecureSettings) as refused:
        build_web_app(Settings.from_env(_env(SECRET_KEY=DEV_SECRET_KEY)))
    assert len(refused.value.problems) == 1
    assert "SECRET_KEY is a published default" in refused.value.problems[0]


def test_the_worker_command_refuses_the_published_default_key():
    result = subprocess.run(
        [sys.executable, "-m", "entrypoints", "worker"],
        cwd=PROJECT_ROOT,
        env={"PATH": "/usr/bin:/bin", **_env(SECRET_KEY=DEV_SECRET_KEY)},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 2, result.stderr
    assert "Traceback" not in result.stderr
    assert "SECRET_KEY is a published default" in result.stderr
    # Nothing else was wrong: the base set is complete and strong.
    assert "PAYLOAD_ENCRYPTION_KEYS" not in result.stderr
    assert "TYPESENSE_API_KEY" not in result.stderr


def test_strong_keys_and_an_explicit_dev_environment_are_accepted():
    require_safe_secrets(Settings.from_env(_env()))
    require_safe_secrets(Settings.from_env({"SHOPFLOW_ENV": "dev"}))
    assert Settings.from_env({"SHOPFLOW_ENV": "dev"}).secret_key == DEV_SECRET_KEY
    assert Settings.from_env({}).secret_key == ""  # no fallback outside dev


def test_payload_keys_are_a_comma_separated_list_newest_first():
    newer = STRONG[::-1]
    settings = Settings.from_env(_env(PAYLOAD_ENCRYPTION_KEYS=f"{newer}, {PAYLOAD}"))
    assert settings.payload_encryption_keys == (newer, PAYLOAD)
    assert settings.service_env()["PAYLOAD_ENCRYPTION_KEYS"] == f"{newer},{PAYLOAD}"


def test_make_run_generates_keys_once_into_var_and_keeps_them(tmp_path):
    base = Settings.from_env(
        {"SHOPFLOW_VAR_DIR": str(tmp_path / "var"), "TYPESENSE_API_KEY": SEARCH_KEY}
    )
    first = with_generated_secrets(base)
    require_safe_secrets(first)
    path = secrets_path(base)
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    again = with_generated_secrets(base)
    assert (again.secret_key, again.payload_encryption_keys, again.vault_keys) == (
        first.secret_key,
        first.payload_encryption_keys,
        first.vault_keys,
    )
    assert first.vault_keys and first.vault_keys != first.payload_encryption_keys
    assert json.loads(path.read_text())["SECRET_KEY"] == first.secret_key


def test_a_secrets_file_from_before_the_vault_gets_vault_keys_and_keeps_the_rest(tmp_path):
    base = Settings.from_env({"SHOPFLOW_VAR_DIR": str(tmp_path / "var")})
    path = secrets_path(base)
    path.parent.mkdir()
    path.write_text(json.dumps({"SECRET_KEY": STRONG, "PAYLOAD_ENCRYPTION_KEYS": [PAYLOAD]}))
    path.chmod(0o600)

    settings = with_generated_secrets(base)

    assert (settings.secret_key, settings.payload_encryption_keys) == (STRONG, (PAYLOAD,))
    assert settings.vault_keys == tuple(json.loads(path.read_text())["VAULT_KEYS"])
    assert stat.S_IMODE(path.stat().st_mode) == 0o600


def test_keys_set_in_the_environment_win_over_generated_ones(tmp_path):
    base = Settings.from_env(_env(SHOPFLOW_VAR_DIR=str(tmp_path / "var")))
    assert with_generated_secrets(base) == base
    assert not secrets_path(base).exists()


def test_compose_has_no_default_secret_and_publishes_only_the_storefront():
    compose = yaml.safe_load((PROJECT_ROOT / "docker-compose.yml").read_text())
    text = (PROJECT_ROOT / "docker-compose.yml").read_text()
    for name in ("SECRET_KEY", "PAYLOAD_ENCRYPTION_KEYS", "VAULT_KEYS", "TYPESENSE_API_KEY"):
        assert f"${{{name}:?" in text and f"${{{name}:-" not in text, name
    published = {
        name: svc["ports"] for name, svc in compose["services"].items() if svc.get("ports")
    }
    assert set(published) <= {"proxy", "temporal-ui"}
    for port in published.get("temporal-ui", []):
        assert port.startswith("127.0.0.1:"), "the Temporal UI is for operators on the host"
