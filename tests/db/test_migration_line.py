"""The migrations form one numbered line: 0001..N, each file's number its revision id."""

from __future__ import annotations

import re

import pytest
from alembic.script import ScriptDirectory

from db.postgres.migrate import MIGRATIONS_DIR, alembic_config

pytestmark = pytest.mark.unit


def test_migrations_are_numbered_in_one_line_by_their_file_names():
    script = ScriptDirectory.from_config(alembic_config("postgresql://nobody@localhost/none"))
    revisions = list(reversed(list(script.walk_revisions())))  # base first
    files = sorted(p.name for p in (MIGRATIONS_DIR / "versions").glob("[0-9]*.py"))

    assert script.get_heads() == [revisions[-1].revision]  # one head, no branches
    assert len(files) == len(revisions)
    for number, (name, revision) in enumerate(zip(files, revisions, strict=True), start=1):
        assert re.fullmatch(rf"{number:04d}_[a-z0-9_]+\.py", name), name
        assert revision.revision == f"{number:04d}", (name, revision.revision)
        assert revision.down_revision == (f"{number - 1:04d}" if number > 1 else None)
