"""Every web feature folder is held by the rules that keep features apart: the import
contract that no feature imports another (pyproject.toml) and a row in
docs/architecture.md's "Where each feature lives" saying where the rest of it is."""

from __future__ import annotations

import tomllib

import pytest

from settings import PROJECT_ROOT

pytestmark = pytest.mark.unit

WEB = PROJECT_ROOT / "web"
# The OpenAPI aggregator imports every feature's openapi.py by design (docs/architecture.md).
NOT_A_FEATURE = {"openapi"}


def features() -> set[str]:
    return {
        path.name
        for path in WEB.iterdir()
        if (path / "__init__.py").exists() and path.name not in NOT_A_FEATURE
    }


def test_the_folders_are_found():
    assert {"cart", "search", "refunds", "warehouses"} <= features()


def test_every_feature_is_in_the_independence_contract():
    config = tomllib.loads((PROJECT_ROOT / "pyproject.toml").read_text())
    contracts = config["tool"]["importlinter"]["contracts"]
    independent = {
        module.removeprefix("web.")
        for contract in contracts
        if contract["type"] == "independence"
        for module in contract["modules"]
    }
    assert features() - independent == set()


def test_docs_say_where_every_feature_lives():
    architecture = (PROJECT_ROOT / "docs" / "architecture.md").read_text()
    assert {f for f in features() if f"`web/{f}/" not in architecture} == set()
