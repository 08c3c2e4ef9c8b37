"""One refusal vocabulary (docs/architecture.md, "Refusals"): every `RefusalKind` has its
status and API code in web/refusals.py's TABLE, and nothing else under web/ keeps a
table of statuses or a refusal outcome type of its own."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from domain.refusals import RefusalKind
from web.refusals import TABLE, Refused

pytestmark = pytest.mark.unit

WEB = Path(__file__).resolve().parents[2] / "web"
# A class called Refused, a refusal enum, or a STATUS table (a dict of statuses).
OWN_VOCABULARY = re.compile(
    r"^class Refused\b|^class \w*Refusal\w*\(.*Enum\)|^\s*\w*STATUS\w*\s*(:[^=]*)?=\s*\{",
    re.MULTILINE,
)


def test_every_refusal_kind_has_a_status_and_an_api_code():
    missing = [kind for kind in RefusalKind if kind not in TABLE]

    assert not missing
    assert all(400 <= row.status < 600 and row.code for row in TABLE.values())


def test_a_refusal_answers_the_status_and_code_of_its_kind():
    refused = Refused(RefusalKind.WRONG_PASSWORD, "Your current password is not right.")

    assert (refused.status, refused.code) == (403, "wrong_password")


def test_no_other_status_table_or_refused_type_exists_under_web():
    own = {
        f"{path.relative_to(WEB.parent)}: {match.group(0).strip()}"
        for path in WEB.rglob("*.py")
        if path.name != "refusals.py" or path.parent != WEB
        for match in OWN_VOCABULARY.finditer(path.read_text(encoding="utf-8"))
    }

    assert not own, "refusals belong in domain/refusals.py and web/refusals.py"
