"""A span per storefront request (OpenTelemetry's Flask instrumentation).

Spans are no-ops until a process installs a tracer provider (entrypoints/telemetry.py;
off by default). An incoming W3C `traceparent` is continued. The operations endpoints
are left out: probes and scrapes every few seconds would drown the real traces.
"""

from __future__ import annotations

from flask import Flask

UNTRACED = "/livez$,/readyz$,/metrics$"


def init_tracing(app: Flask) -> None:
    # Imported here: `import web` (for Services alone) stays cheap.
    from opentelemetry.instrumentation.flask import FlaskInstrumentor

    FlaskInstrumentor.instrument_app(app, excluded_urls=UNTRACED)
