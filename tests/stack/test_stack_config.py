"""Without starting servers: external services, endpoints and the port helpers."""

from __future__ import annotations

import json
import socket
from pathlib import Path

import pytest

from settings import Settings
from stack import EmbeddedStack
from stack.ports import free_port, free_ports, port_in_use

pytestmark = pytest.mark.unit


def test_services_given_by_url_are_reported_as_external_and_never_started(tmp_path: Path):
    settings = Settings(
        var_dir=tmp_path / "var",
        database_url="postgresql://shop:s3cret@db.internal/shop",
        redis_url="redis://cache.internal:6379/0",
        typesense_url="http://search.internal:8108",
        typesense_api_key="prod-key",
        temporal_address="temporal.internal:7233",
        smtp_url="smtp://mail.internal:587",
    )
    stack = EmbeddedStack(settings)
    endpoints = stack.up()
    assert stack.started == []
    assert endpoints.database_url == "postgresql://shop:s3cret@db.internal/shop"
    assert endpoints.typesense_api_key == "prod-key"
    assert endpoints.temporal_ui_url is None
    assert endpoints.as_settings(Settings()).redis_url == "redis://cache.internal:6379/0"
    assert stack.status() == [
        ("postgres", "external postgresql://shop:***@db.internal/shop"),
        ("redis", "external redis://cache.internal:6379/0"),
        ("typesense", "external http://search.internal:8108"),
        ("temporal", "external temporal.internal:7233"),
        ("mail", "external smtp://mail.internal:587"),
    ]
    assert endpoints.smtp_url == "smtp://mail.internal:587"
    assert stack.down() == []


def test_embedded_endpoints_are_loopback_urls_built_from_settings(tmp_path: Path):
    settings = Settings(var_dir=tmp_path / "var", redis_port=7001, typesense_port=7002)
    endpoints = EmbeddedStack(settings).endpoints()
    generated = json.loads((tmp_path / "var" / "secrets.json").read_text())
    socket_dir = (tmp_path / "var" / "postgres").resolve()
    assert endpoints.database_url == f"postgresql+psycopg://postgres:@/postgres?host={socket_dir}"
    assert endpoints.redis_url == f"redis://:{generated['REDIS_PASSWORD']}@127.0.0.1:7001/0"
    assert endpoints.typesense_url == "http://127.0.0.1:7002"
    assert endpoints.typesense_api_key == generated["TYPESENSE_API_KEY"]
    assert endpoints.temporal_address == f"127.0.0.1:{settings.temporal_port}"
    assert endpoints.temporal_ui_url == f"http://127.0.0.1:{settings.temporal_ui_port}"


def test_a_deep_var_dir_gets_a_short_postgres_socket_dir(tmp_path: Path):
    deep = tmp_path.joinpath(*["a-rather-long-directory-name"] * 5) / "var"
    url = EmbeddedStack(Settings(var_dir=deep)).endpoints().database_url
    socket_dir = url.split("host=", 1)[1]
    assert len(socket_dir) + len("/.s.PGSQL.5432") <= 100


def test_a_listening_port_is_in_use_and_a_free_one_is_not():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        sock.listen()
        taken = sock.getsockname()[1]
        assert port_in_use("127.0.0.1", taken)
    assert not port_in_use("127.0.0.1", free_port())


def test_free_ports_are_distinct():
    ports = free_ports(8)
    assert len(set(ports)) == 8
