"""One trace from a BEGIN request, through Temporal, to the reserve activity's SQL: the
real app, a real worker and real PostgreSQL, spans caught by the in-memory exporter."""

from __future__ import annotations

import time
from dataclasses import replace

import pytest

from tests.web.checkout_calls import begin

pytest_plugins = ["tests.web.checkout_fixtures"]

pytestmark = [pytest.mark.web, pytest.mark.integration]


@pytest.fixture(scope="module")
def spans():
    from opentelemetry.sdk.trace.export import SimpleSpanProcessor
    from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter

    from entrypoints.telemetry import install_tracing, uninstrument_libraries

    exporter = InMemorySpanExporter()
    processor = SimpleSpanProcessor(exporter)
    install_tracing(processor, "shopflow-test")
    yield exporter
    # The processor stops and the libraries go back to untraced; the provider stays (the
    # API allows one per process) and costs the rest of the session next to nothing.
    processor.shutdown()
    uninstrument_libraries()


@pytest.fixture(scope="module")
def traced_settings(spans, checkout_db):
    """A worker of its own, built after tracing is on (its engine is instrumented)."""
    from tests.conftest import CheckoutWorkers

    settings = replace(checkout_db, task_queue=checkout_db.task_queue + "-traced")
    workers = CheckoutWorkers(settings)
    yield settings
    workers.end_checkouts(settings.task_queue)
    workers.close()


def test_one_trace_runs_from_the_begin_request_to_the_reserve_activitys_sql(
    spans, traced_settings, make_app, stock_item
):
    from tests.web.checkout_calls import register_api_shopper

    shop = make_app(traced_settings).test_client()
    shopper = register_api_shopper(shop, {stock_item(3): 1})
    spans.clear()

    begun = begin(shop, shopper)
    assert begun.status_code == 201, begun.get_json()

    request_span = _wait_for(spans, lambda s: s.name == "POST /api/v1/checkout")
    trace_id = request_span.context.trace_id
    activity = _wait_for(
        spans, lambda s: s.name == "RunActivity:checkout.reserve" and s.context.trace_id == trace_id
    )
    trace = [s for s in spans.get_finished_spans() if s.context.trace_id == trace_id]
    names = {s.name for s in trace}
    assert any(n.startswith("StartUpdateWithStartWorkflow:") for n in names), names
    assert any(n == "RunWorkflow:CheckoutWorkflow" for n in names), names
    by_id = {s.context.span_id: s for s in trace}
    statements = [s for s in trace if _under(s, activity, by_id) and _is_sql(s)]
    assert any("reservations" in str(s.attributes.get("db.statement", "")) for s in statements), [
        (s.name, dict(s.attributes)) for s in trace
    ]
    # And the chain is unbroken: the activity hangs, span by span, under the request.
    assert _under(activity, request_span, by_id)


def _is_sql(span) -> bool:
    return "db.statement" in span.attributes or "db.query.text" in span.attributes


def _under(span, ancestor, by_id) -> bool:
    while span.parent is not None:
        if span.parent.span_id == ancestor.context.span_id:
            return True
        span = by_id.get(span.parent.span_id)
        if span is None:
            return False
    return False


def _wait_for(exporter, match, timeout: float = 20.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        found = [s for s in exporter.get_finished_spans() if match(s)]
        if found:
            return found[0]
        time.sleep(0.1)
    raise AssertionError(
        "no such span; finished: " + ", ".join(s.name for s in exporter.get_finished_spans())
    )
