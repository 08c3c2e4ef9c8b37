"""A return's journey (docs/returns.md): authorised, received, refunded, restocked, each
email once. Real ReturnWorkflow on the time-skipping server, fake activities
(tests/workflows/return_histories.py)."""

from __future__ import annotations

import pytest

from tests.workflows.environment import run
from tests.workflows.return_histories import AMOUNT, RETURN_ID, FakeReturns, run_return

pytestmark = pytest.mark.workflow


def test_a_received_return_is_refunded_then_restocked_and_mails_twice():
    fakes = FakeReturns()

    final, answers, _ = run(run_return(fakes, receive=True))

    assert final.status == "REFUNDED" and final.refund_amount == AMOUNT
    assert answers[0].status in ("RECEIVED", "REFUNDED")
    assert fakes.steps == ["received", "refunded", "restocked", "closed REFUNDED"]
    assert sorted(fakes.emails) == [
        f"return-authorized:{RETURN_ID}",
        f"return-refunded:{RETURN_ID}",
    ]
    assert fakes.emails[f"return-refunded:{RETURN_ID}"].refund == AMOUNT


def test_receiving_twice_refunds_once():
    fakes = FakeReturns()

    final, answers, _ = run(run_return(fakes, receive=True, receive_twice=True))

    assert final.status == "REFUNDED" and len(answers) == 2
    assert fakes.refunds == 1 and fakes.steps.count("received") == 1


def test_a_refund_the_gateway_refuses_still_restocks_and_says_why():
    fakes = FakeReturns(refuse=True)

    final, _, _ = run(run_return(fakes, receive=True))

    assert final.status == "REFUND_FAILED"
    assert "refused" in (final.message or "")
    assert fakes.steps == ["received", "restocked", "closed REFUND_FAILED"]
    assert list(fakes.emails) == [f"return-authorized:{RETURN_ID}"]


def test_a_return_never_received_lapses_without_a_refund():
    fakes = FakeReturns()

    final, _, _ = run(run_return(fakes, receive=False))

    assert final.status == "EXPIRED"
    assert fakes.steps == ["closed EXPIRED"] and fakes.refunds == 0
    assert list(fakes.emails) == [f"return-authorized:{RETURN_ID}"]
