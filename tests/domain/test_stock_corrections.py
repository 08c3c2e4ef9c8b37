"""How many units a correction may take off a shelf, and what a correction must say."""

from __future__ import annotations

import pytest

from domain.stock import CorrectionReason, correction_problem, removable_units

pytestmark = pytest.mark.unit


def test_only_units_free_on_this_shelf_and_promised_to_no_one_may_go():
    assert removable_units(available_here=6, aggregated=10) == 6  # the shelf limits
    assert removable_units(available_here=6, aggregated=3) == 3  # the rest is held or ordered
    assert removable_units(available_here=0, aggregated=9) == 0
    assert removable_units(available_here=4, aggregated=-1) == 0  # never a negative answer


def test_a_correction_needs_units_and_a_known_reason_and_a_note_for_other():
    assert correction_problem(2, CorrectionReason.DAMAGED, "") is None
    assert correction_problem(1, "count correction", "recounted aisle 4") is None
    assert "at least 1" in correction_problem(0, "damaged", "")
    assert "one of" in correction_problem(1, "stolen by elves", "")
    assert "note" in correction_problem(1, "other", "")
    assert correction_problem(1, "other", "water leak") is None
    assert "at most" in correction_problem(1, "lost", "x" * 301)
    assert "at most" in correction_problem(1, "lost", "bad\x00byte")
