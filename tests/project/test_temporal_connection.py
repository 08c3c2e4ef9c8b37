"""Temporal beyond the dev server: TLS files and an API key reach `Client.connect`."""

from __future__ import annotations

import asyncio

import pytest
from temporalio.service import TLSConfig

import temporal_client
from settings import Settings, SettingsError, require_complete
from tests.security.test_secrets import VALID

pytestmark = pytest.mark.unit


def _connect_kwargs(monkeypatch, settings: Settings) -> dict:
    seen = {}

    async def fake_connect(address, **kwargs):
        seen.update(kwargs, address=address)
        return "client"

    monkeypatch.setattr(temporal_client.Client, "connect", fake_connect)
    assert asyncio.run(temporal_client.connect(settings)) == "client"
    return seen


def test_mtls_files_and_an_api_key_are_passed_to_the_client(tmp_path, monkeypatch):
    for name in ("ca", "cert", "key"):
        (tmp_path / f"{name}.pem").write_bytes(f"-- {name} --".encode())
    settings = Settings.from_env(
        {
            **VALID,
            "TEMPORAL_TLS_CA": str(tmp_path / "ca.pem"),
            "TEMPORAL_TLS_CERT": str(tmp_path / "cert.pem"),
            "TEMPORAL_TLS_KEY": str(tmp_path / "key.pem"),
            "TEMPORAL_API_KEY": "cloud-api-key",
            "TEMPORAL_NAMESPACE": "shop.a1b2c",
        }
    )
    require_complete(settings)
    kwargs = _connect_kwargs(monkeypatch, settings)
    assert kwargs["tls"] == TLSConfig(
        server_root_ca_cert=b"-- ca --", client_cert=b"-- cert --", client_private_key=b"-- key --"
    )
    assert kwargs["api_key"] == "cloud-api-key"
    assert kwargs["namespace"] == "shop.a1b2c"


def test_an_api_key_alone_means_tls_and_nothing_means_plain(monkeypatch):
    with_key = Settings.from_env({**VALID, "TEMPORAL_API_KEY": "cloud-api-key"})
    assert _connect_kwargs(monkeypatch, with_key)["tls"] is True
    plain = _connect_kwargs(monkeypatch, Settings.from_env(VALID))
    assert (plain["tls"], plain["api_key"]) == (False, None)


def test_a_certificate_without_its_key_or_a_missing_file_is_refused(tmp_path):
    (tmp_path / "cert.pem").write_text("cert")
    half = Settings.from_env({**VALID, "TEMPORAL_TLS_CERT": str(tmp_path / "cert.pem")})
    with pytest.raises(SettingsError, match="TEMPORAL_TLS_CERT and TEMPORAL_TLS_KEY"):
        require_complete(half)
    gone = Settings.from_env({**VALID, "TEMPORAL_TLS_CA": str(tmp_path / "nope.pem")})
    with pytest.raises(SettingsError, match="TEMPORAL_TLS_CA must be a PEM file"):
        require_complete(gone)
