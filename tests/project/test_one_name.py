"""One name per feature: the waiting room is the waiting room in code, templates and docs
(docs/decisions/0006-waiting-room-name.md). The contract's own term for it is explained
once, in docs/waiting-room.md, and appears nowhere else: not as words, not as a snake_case
or kebab-case name, not as a CamelCase one, not even broken across two lines."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import pytest

from settings import PROJECT_ROOT

pytestmark = pytest.mark.unit

# The contract's term in any spelling: words, snake_case, kebab-case, CamelCase, any case.
OLD_NAME = re.compile(r"hot(?:\s+|[_-])?item", re.IGNORECASE)
EXPLAINED_IN = "docs/waiting-room.md"
TEXT_SUFFIXES = {
    ".py", ".html", ".jinja", ".md", ".rst", ".txt", ".css", ".js", ".json", ".toml",
    ".yml", ".yaml", ".cfg", ".ini", ".sh", ".sql", ".lua", ".example", ".service",
}  # fmt: skip
TEXT_NAMES = {"Makefile", "Dockerfile", ".dockerignore", ".gitignore"}
SKIPPED_DIRS = {".git", ".venv", "node_modules", "var", "__pycache__", "build", "dist"}


def _project_files() -> list[str]:
    """The repository's files (git's list; a walk where there is no git)."""
    try:
        listed = subprocess.run(
            ["git", "ls-files", "-z"], cwd=PROJECT_ROOT, capture_output=True, check=True
        ).stdout.decode()
        return [name for name in listed.split("\0") if name]
    except (OSError, subprocess.CalledProcessError):
        return [
            str(path.relative_to(PROJECT_ROOT))
            for path in PROJECT_ROOT.rglob("*")
            if path.is_file() and not SKIPPED_DIRS & set(path.relative_to(PROJECT_ROOT).parts)
        ]


def _is_text(name: str) -> bool:
    path = Path(name)
    return path.suffix in TEXT_SUFFIXES or path.name in TEXT_NAMES


def _old_names(text: str) -> list[str]:
    return [match.group(0) for match in OLD_NAME.finditer(text)]


def test_the_old_name_is_found_in_every_spelling():
    # Written with a "*" inside each, so that this file does not carry the old name itself.
    spellings = "Hot* items, hot*_item, HOT*-ITEM, FakeHot*Items, a hot*\n    item, hot*item"
    assert len(_old_names(spellings.replace("*", ""))) == 6
    assert _old_names(spellings) == []
    assert _old_names("the waiting room, an item is hot, shotgun items") == []


def test_the_waiting_room_has_one_name_in_code_templates_and_docs():
    files = [name for name in _project_files() if _is_text(name)]
    assert "web/waiting_room/pages.py" in files  # the list is the repository, not nothing
    found = {}
    for name in files:
        path = PROJECT_ROOT / name
        if name == EXPLAINED_IN or not path.is_file():
            continue
        names = _old_names(path.read_text(encoding="utf-8", errors="replace"))
        if names:
            found[name] = names
    assert found == {}, "call it the waiting room (docs/decisions/0006-waiting-room-name.md)"


def test_the_contracts_term_is_explained_once_in_the_waiting_room_doc():
    text = (PROJECT_ROOT / EXPLAINED_IN).read_text(encoding="utf-8")
    assert len(_old_names(text)) == 1
