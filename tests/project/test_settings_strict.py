"""Settings refuse to guess: bad values name their variable, production needs every URL and
secret, dev takes all service URLs or none, and nothing connects before the check."""

from __future__ import annotations

import socket
import subprocess
import sys
import threading

import pytest

from settings import Settings, SettingsError, require_complete
from tests.security.test_secrets import VALID

pytestmark = pytest.mark.unit

SHOPFLOW = [sys.executable, "-m", "entrypoints"]


def _shopflow(*args: str, env: dict[str, str], cwd) -> subprocess.CompletedProcess:
    return subprocess.run(
        [*SHOPFLOW, *args],
        env={"PATH": "/usr/bin:/bin", "PYTHONPATH": str(_root()), **env},
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=60,
    )


def _root():
    from settings import PROJECT_ROOT

    return PROJECT_ROOT


@pytest.mark.parametrize(
    ("name", "value", "form"),
    [
        ("PORT", "eighty", "a whole number"),
        ("SESSION_COOKIE_SECURE", "maybe", "true or false"),
        ("SEARCH_TIMEOUT_SECONDS", "2s", "a number"),
        ("SHOPFLOW_ENV", "prod", "one of 'dev' or 'production'"),
        ("TRUSTED_PROXY_COUNT", "one", "a whole number"),
    ],
)
def test_a_bad_value_names_its_variable_and_the_form_it_expects(name, value, form):
    with pytest.raises(SettingsError) as refused:
        Settings.from_env({**VALID, name: value})
    assert refused.value.problems == [f"{name} must be {form} (got {value!r})"]


def test_a_command_with_a_bad_value_says_so_and_exits_2_without_a_traceback(tmp_path):
    result = _shopflow("migrate", env={**VALID, "PORT": "eighty"}, cwd=tmp_path)
    assert result.returncode == 2
    assert "PORT must be a whole number (got 'eighty')" in result.stderr
    assert "Traceback" not in result.stderr


def test_dot_env_is_read_and_the_environment_wins(tmp_path, monkeypatch):
    (tmp_path / ".env").write_text("PORT=8123\nWEB_WORKERS=5\n# a comment\n")
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("WEB_WORKERS", "3")
    settings = Settings.from_env()
    assert (settings.port, settings.web_workers) == (8123, 3)
    assert settings.var_dir == tmp_path / "var"  # the data directory of where it runs


def test_production_needs_every_service_url_and_secret():
    for name in VALID:
        settings = Settings.from_env({k: v for k, v in VALID.items() if k != name})
        with pytest.raises(SettingsError) as refused:
            require_complete(settings)
        assert len(refused.value.problems) == 1, refused.value.problems
        assert refused.value.problems[0].startswith(name)


def test_dev_takes_all_service_urls_or_none_never_a_mix():
    require_complete(Settings.from_env({"SHOPFLOW_ENV": "dev"}))  # the embedded stack
    require_complete(Settings.from_env({**VALID, "SHOPFLOW_ENV": "dev"}))
    partial = {"SHOPFLOW_ENV": "dev", "DATABASE_URL": VALID["DATABASE_URL"]}
    with pytest.raises(SettingsError) as refused:
        require_complete(Settings.from_env(partial))
    assert refused.value.problems == [
        "REDIS_URL is not set",
        "TYPESENSE_URL (or TYPESENSE_NODES) is not set",
        "TEMPORAL_ADDRESS is not set",
    ]


def test_a_typesense_cluster_is_named_by_its_nodes_instead_of_one_url():
    cluster = {k: v for k, v in VALID.items() if k != "TYPESENSE_URL"}
    settings = Settings.from_env({**cluster, "TYPESENSE_NODES": "ts-1:8108, ts-2:8108,ts-3:8108"})
    require_complete(settings)  # production: the nodes stand for TYPESENSE_URL
    assert settings.typesense_urls == ("http://ts-1:8108", "http://ts-2:8108", "http://ts-3:8108")

    both = Settings.from_env({**VALID, "TYPESENSE_NODES": "ts-1:8108,ts-2:8108"})
    assert both.typesense_urls == ("http://ts-1:8108", "http://ts-2:8108")  # nodes win
    assert Settings.from_env(VALID).typesense_urls == (VALID["TYPESENSE_URL"],)


def test_a_typesense_node_without_a_port_is_refused_by_name():
    with pytest.raises(SettingsError) as refused:
        Settings.from_env({**VALID, "TYPESENSE_NODES": "ts-1:8108,ts-2"})
    assert refused.value.problems == [
        "TYPESENSE_NODES must be comma-separated host:port addresses (got 'ts-2')"
    ]


class Listener:
    """A loopback socket that records every connection made to it."""

    def __init__(self) -> None:
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(16)
        self.sock.settimeout(0.2)
        self.port = self.sock.getsockname()[1]
        self.connections = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._accept, daemon=True)
        self._thread.start()

    def _accept(self) -> None:
        while not self._stop.is_set():
            try:
                conn, _ = self.sock.accept()
            except OSError:
                continue
            self.connections += 1
            conn.close()

    def close(self) -> None:
        self._stop.set()
        self._thread.join()
        self.sock.close()


@pytest.mark.parametrize("command", ["worker", "web", "stock-relay", "migrate"])
@pytest.mark.parametrize("environment", ["production", "dev"])
def test_a_partial_config_is_refused_before_connecting_anywhere(tmp_path, command, environment):
    listener = Listener()
    try:
        env = {
            **VALID,
            "SHOPFLOW_ENV": environment,
            "DATABASE_URL": f"postgresql://shopflow:pw@127.0.0.1:{listener.port}/shopflow",
            "REDIS_URL": f"redis://127.0.0.1:{listener.port}/0",
            "TEMPORAL_ADDRESS": f"127.0.0.1:{listener.port}",
        }
        del env["TYPESENSE_URL"]
        result = _shopflow(command, env=env, cwd=tmp_path)
    finally:
        listener.close()
    assert result.returncode == 2, result.stderr
    assert "TYPESENSE_URL (or TYPESENSE_NODES) is not set" in result.stderr
    assert "Traceback" not in result.stderr
    assert listener.connections == 0
    assert list(tmp_path.iterdir()) == []  # nothing written either


def test_the_listener_does_record_a_connection():
    # The test above is only worth something if the listener can see a connection.
    listener = Listener()
    try:
        socket.create_connection(("127.0.0.1", listener.port), timeout=2).close()
        threading.Event().wait(0.5)
    finally:
        listener.close()
    assert listener.connections == 1


@pytest.mark.parametrize("args", [["run"], ["stack", "up"]])
def test_production_never_starts_embedded_servers(tmp_path, args):
    result = _shopflow(*args, env=VALID, cwd=tmp_path)
    assert result.returncode == 2, result.stderr
    assert "SHOPFLOW_ENV=production never does" in result.stderr
    assert list(tmp_path.iterdir()) == []


def test_help_writes_nothing(tmp_path):
    for args in (["--help"], ["worker", "--help"], ["run", "--help"], ["stack", "env", "--help"]):
        result = _shopflow(*args, env={"SHOPFLOW_ENV": "dev"}, cwd=tmp_path)
        assert result.returncode == 0, result.stderr
    assert list(tmp_path.iterdir()) == []


def test_every_setting_is_listed_in_the_env_example():
    from dataclasses import fields

    example = (_root() / ".env.example").read_text()
    from settings import env_name

    missing = [env_name(f) for f in fields(Settings) if f"# {env_name(f)}=" not in example]
    assert missing == []


def test_a_plain_field_reads_its_name_in_capitals():
    from dataclasses import field, make_dataclass

    import settings as module

    plain = make_dataclass("Plain", [("redis_password", "str | None", field(default=None))])
    assert module.env_name(plain.__dataclass_fields__["redis_password"]) == "REDIS_PASSWORD"
