"""Without starting servers: external services, endpoints and the port helpers."""

from __future__ import annotations

import json
import socket
import subprocess
import sys
from pathlib import Path

import pytest

from settings import PROJECT_ROOT, Settings
from stack import EmbeddedStack
from stack.ports import QUIET_PORTS, free_port, free_ports, port_in_use

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


def test_free_ports_lie_below_the_kernels_ephemeral_range_where_no_client_socket_lands():
    low = int(Path("/proc/sys/net/ipv4/ip_local_port_range").read_text().split()[0])
    assert all(QUIET_PORTS[0] <= port < QUIET_PORTS[1] <= low for port in free_ports(20))


def test_a_port_handed_out_is_not_handed_out_again_to_any_process_while_promised():
    # Two stacks started side by side choose at once; neither may take the other's port
    # before its server binds it. Four processes each take 300 ports at the same time.
    script = "import json; from stack.ports import free_ports; print(json.dumps(free_ports(300)))"
    children = [
        subprocess.Popen([sys.executable, "-c", script], cwd=PROJECT_ROOT, stdout=subprocess.PIPE)
        for _ in range(4)
    ]
    taken = [json.loads(child.communicate(timeout=60)[0]) for child in children]
    mine = free_ports(300)
    everything = [port for ports in [*taken, mine] for port in ports]
    assert len(everything) == len(set(everything)) == 1500


def test_a_redis_cluster_port_comes_with_its_bus_port_free_and_promised_too():
    port = free_ports(1, offset=10_000)[0]
    assert not port_in_use("127.0.0.1", port + 10_000)
    assert port + 10_000 < QUIET_PORTS[1]
    assert not {port, port + 10_000} & set(free_ports(500))
