"""requirements/*.lock cover every dependency pyproject.toml names (`make lock` re-pins)."""

from __future__ import annotations

import re
import tomllib

import pytest

from settings import PROJECT_ROOT

pytestmark = pytest.mark.unit


def _name(requirement: str) -> str:
    return re.split(r"[\[<>=!~; ]", requirement, maxsplit=1)[0].lower().replace("_", "-")


def _locked(lock: str) -> set[str]:
    text = (PROJECT_ROOT / "requirements" / lock).read_text()
    return {m.lower() for m in re.findall(r"^([A-Za-z0-9_.-]+)==", text, re.M)}


def test_the_locks_pin_every_dependency_with_a_hash():
    project = tomllib.loads((PROJECT_ROOT / "pyproject.toml").read_text())["project"]
    base = {_name(r) for r in project["dependencies"]}
    extras = {
        _name(r) for group in ("embedded", "test") for r in project["optional-dependencies"][group]
    }
    assert base - _locked("production.lock") == set(), "run `make lock`"
    assert (base | extras) - _locked("dev.lock") == set(), "run `make lock`"
    for lock in ("production.lock", "dev.lock"):
        text = (PROJECT_ROOT / "requirements" / lock).read_text()
        pins = re.findall(r"^[A-Za-z0-9_.-]+==\S+ \\\n\s+--hash=sha256:[0-9a-f]{64}", text, re.M)
        assert len(pins) == len(_locked(lock)), f"{lock}: a pin without a hash"
