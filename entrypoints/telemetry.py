"""OpenTelemetry traces (docs/operations.md, "Traces").

Off by default. Setting the standard OTEL_EXPORTER_OTLP_ENDPOINT (or
OTEL_EXPORTER_OTLP_TRACES_ENDPOINT) turns them on: spans go to that collector over
OTLP/HTTP in batches, configured further by the other standard OTEL_* variables (headers,
timeout, OTEL_RESOURCE_ATTRIBUTES), which the exporter reads itself.

One trace follows a request through Temporal: the Flask request's span (web/tracing.py)
is the parent of the client call's span; temporalio's TracingInterceptor (on every
client, so on the worker too: temporal_client.connect) carries the context in the
workflow's headers to the workflow and its activities, and the SQLAlchemy, Redis and
urllib3 (Typesense) calls inside them are spans of their own.
"""

from __future__ import annotations

import logging

from opentelemetry import trace
from opentelemetry.sdk.resources import SERVICE_NAME, Resource
from opentelemetry.sdk.trace import SpanProcessor, TracerProvider
from opentelemetry.sdk.trace.export import BatchSpanProcessor
from temporalio.runtime import PrometheusConfig, Runtime, TelemetryConfig

from settings import Settings

log = logging.getLogger(__name__)
_instrumented = False


def configure_tracing(settings: Settings, service_name: str) -> TracerProvider | None:
    """Export this process's spans over OTLP if an endpoint is set; None when off."""
    if not settings.otlp_traces_endpoint:
        return None
    from opentelemetry.exporter.otlp.proto.http.trace_exporter import OTLPSpanExporter

    return install_tracing(BatchSpanProcessor(OTLPSpanExporter()), service_name)


def install_tracing(processor: SpanProcessor, service_name: str) -> TracerProvider:
    """Make `processor` receive every span of this process, and trace the libraries.

    Tests call this with an in-memory exporter's processor.
    """
    provider = trace.get_tracer_provider()
    if not isinstance(provider, TracerProvider):  # the API allows one provider a process
        # Other attributes come from OTEL_RESOURCE_ATTRIBUTES; the service is named here.
        provider = TracerProvider(resource=Resource.create({SERVICE_NAME: service_name}))
        trace.set_tracer_provider(provider)
    provider.add_span_processor(processor)
    instrument_libraries()
    return provider


def instrument_libraries() -> None:
    """Spans for every SQLAlchemy statement, Redis command and urllib3 request."""
    global _instrumented
    if _instrumented:
        return
    from opentelemetry.instrumentation.redis import RedisInstrumentor
    from opentelemetry.instrumentation.sqlalchemy import SQLAlchemyInstrumentor
    from opentelemetry.instrumentation.urllib3 import URLLib3Instrumentor

    # SQLAlchemy: engines created from now on (the web and worker build theirs later).
    # Its declared range stops below SQLAlchemy 2.1, whose engine events it uses are
    # unchanged; tests/web/test_tracing.py proves the statements are traced.
    SQLAlchemyInstrumentor().instrument(enable_commenter=False, skip_dep_check=True)
    RedisInstrumentor().instrument()
    URLLib3Instrumentor().instrument()
    _instrumented = True


def uninstrument_libraries() -> None:
    """Undo `instrument_libraries` (a test that traced is done)."""
    global _instrumented
    if not _instrumented:
        return
    from opentelemetry.instrumentation.redis import RedisInstrumentor
    from opentelemetry.instrumentation.sqlalchemy import SQLAlchemyInstrumentor
    from opentelemetry.instrumentation.urllib3 import URLLib3Instrumentor

    SQLAlchemyInstrumentor().uninstrument()
    RedisInstrumentor().uninstrument()
    URLLib3Instrumentor().uninstrument()
    _instrumented = False


def worker_runtime(settings: Settings) -> Runtime | None:
    """The Temporal runtime of `shopflow worker`, serving the SDK's metrics (and the
    workflows' and activities' own, e.g. shopflow_checkout_outcomes_total) for Prometheus
    at http://WORKER_METRICS_ADDRESS/metrics. None when the address is "" (off) or taken:
    a worker without metrics is better than no worker, and the line below says why."""
    if not settings.worker_metrics_address:
        return None
    config = PrometheusConfig(
        bind_address=settings.worker_metrics_address,
        counters_total_suffix=True,
        durations_as_seconds=True,
    )
    try:
        return Runtime(telemetry=TelemetryConfig(metrics=config))
    except ValueError as exc:  # the SDK's way of saying the address could not be bound
        log.warning(
            "worker metrics off: cannot serve WORKER_METRICS_ADDRESS=%s (%s)",
            settings.worker_metrics_address,
            exc,
        )
        return None


def worker_metrics_url(settings: Settings) -> str | None:
    if not settings.worker_metrics_address:
        return None
    return f"http://{settings.worker_metrics_address}/metrics"
