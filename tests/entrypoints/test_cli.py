"""The `shopflow` command: every command wired, `--version`, and a `--help` that imports
none of the store (under 0.5 s of CPU)."""

from __future__ import annotations

import resource
import subprocess
import sys
from importlib.metadata import version

import click
import pytest

from entrypoints.cli import COMMANDS, cli
from settings import PROJECT_ROOT

pytestmark = pytest.mark.unit


def _shopflow(*args: str, importtime: bool = False) -> subprocess.CompletedProcess:
    flags = ["-X", "importtime"] if importtime else []
    return subprocess.run(
        [sys.executable, *flags, "-m", "entrypoints", *args],
        cwd=PROJECT_ROOT,
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_every_listed_command_loads_under_its_name():
    context = click.Context(cli)
    for name in COMMANDS:
        command = cli.get_command(context, name)
        assert isinstance(command, click.Command) and command.name == name, name


def test_version():
    result = _shopflow("--version")
    assert result.returncode == 0
    assert result.stdout.strip() == f"shopflow, version {version('shopflow')}"


def test_help_lists_every_command_without_importing_the_store():
    result = _shopflow("--help", importtime=True)
    assert result.returncode == 0, result.stderr
    for name in COMMANDS:
        assert f"  {name} " in result.stdout, name
    imported = {line.split("|")[-1].strip().split(".")[0] for line in result.stderr.splitlines()}
    heavy = {"flask", "sqlalchemy", "temporalio", "redis", "typesense", "pydantic", "web", "db"}
    assert imported & heavy == set()


def test_help_takes_under_half_a_second_of_cpu():
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    assert _shopflow("--help").returncode == 0
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    assert cpu < 0.5, f"{cpu:.2f} s"
