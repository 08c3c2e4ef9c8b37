"""check_readiness (web/ops/use_cases.py): every service named, a slow or failing one marked down in time."""

from __future__ import annotations

import time

import pytest

from web.ops.use_cases import check_readiness

pytestmark = pytest.mark.unit


def up(timeout: float) -> None:
    return None


def test_all_up_is_ready():
    readiness = check_readiness(
        dict.fromkeys(("postgresql", "redis", "typesense", "temporal"), up), 0.5
    )
    assert readiness.ready and readiness.down == []
    assert list(readiness.checks) == ["postgresql", "redis", "typesense", "temporal"]


def test_a_hung_service_is_down_after_the_timeout_not_after_it_answers():
    def hung(timeout: float) -> None:
        time.sleep(3)

    started = time.monotonic()
    readiness = check_readiness({"postgresql": up, "redis": hung}, 0.2)
    assert time.monotonic() - started < 1.5
    assert readiness.down == ["redis"] and "no answer" in readiness.checks["redis"]


def test_a_failing_probe_says_why_without_echoing_urls():
    def refused(timeout: float) -> None:
        raise ConnectionRefusedError("connection refused")

    def leaky(timeout: float) -> None:
        raise RuntimeError("cannot reach postgresql://shop:hunter2@db/shop")

    readiness = check_readiness({"typesense": refused, "postgresql": leaky}, 0.5)
    assert readiness.checks["typesense"] == "down: ConnectionRefusedError: connection refused"
    assert readiness.checks["postgresql"] == "down: RuntimeError"
    assert set(readiness.down) == {"typesense", "postgresql"}
