"""The readiness probes of one web process, built from its Services."""

from __future__ import annotations

from datetime import timedelta

import urllib3
from sqlalchemy import text

from web.ops.use_cases import Probe
from web.services import Services


def service_probes(services: Services) -> dict[str, Probe]:
    settings = services.settings
    http = urllib3.PoolManager(num_pools=1, maxsize=1, retries=False)

    def postgresql(timeout: float) -> None:
        with services.engine.connect() as conn:
            conn.execute(text("SELECT 1"))

    def redis(timeout: float) -> None:
        services.redis.ping()

    def typesense(timeout: float) -> None:
        # /health needs no API key and answers {"ok": true} once the node can serve. On a
        # cluster one healthy node is enough: searches fail over (docs/scaling.md).
        problems = []
        for url in settings.typesense_urls:
            try:
                answer = http.request(
                    "GET", url.rstrip("/") + "/health", timeout=urllib3.Timeout(total=timeout)
                )
            except urllib3.exceptions.HTTPError as exc:
                problems.append(f"{url}: {exc.__class__.__name__}")
                continue
            if answer.status == 200:
                return
            problems.append(f"{url}: health answered HTTP {answer.status}")
        raise RuntimeError("; ".join(problems) or "TYPESENSE_URL is not set")

    def temporal(timeout: float) -> None:
        gateway = services.temporal
        if gateway is None:
            raise RuntimeError("TEMPORAL_ADDRESS is not set")
        healthy = gateway.call(
            lambda client: client.service_client.check_health(timeout=timedelta(seconds=timeout)),
            timeout=timeout,
        )
        if not healthy:
            raise RuntimeError("the frontend says it is not serving")

    return {
        "postgresql": postgresql,
        "redis": redis,
        "typesense": typesense,
        "temporal": temporal,
    }
