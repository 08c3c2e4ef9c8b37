"""The ports of the local cluster (stack/cluster.py): free ones for a test or benchmark,
`make run-cluster`'s fixed ones beside `make run`'s (docs/scaling.md, "The local cluster")."""

from __future__ import annotations

from dataclasses import dataclass

from settings import Settings

from .ports import free_ports

WEB_INSTANCES = 2
# The Sentinels of `make run-cluster` sit this far above the Redis port (6390: 26390-26392).
SENTINEL_OFFSET = 20_000


@dataclass(frozen=True)
class ClusterPorts:
    balancer: int
    web: tuple[int, ...]
    redis: tuple[int, int]  # primary, replica (at start)
    sentinels: tuple[int, int, int]
    typesense: tuple[int, ...]
    typesense_peering: tuple[int, ...]
    temporal: int
    temporal_ui: int
    smtp: int
    worker_metrics: tuple[int, ...]

    @classmethod
    def free(cls) -> ClusterPorts:
        p = free_ports(1 + WEB_INSTANCES + 2 + 3 + 3 + 3 + 3 + 4)
        return cls(
            balancer=p[0],
            web=tuple(p[1:3]),
            redis=(p[3], p[4]),
            sentinels=(p[5], p[6], p[7]),
            typesense=tuple(p[8:11]),
            typesense_peering=tuple(p[11:14]),
            temporal=p[14],
            temporal_ui=p[15],
            smtp=p[16],
            worker_metrics=tuple(p[17:21]),
        )

    @classmethod
    def fixed(cls, settings: Settings) -> ClusterPorts:
        """`make run-cluster`'s: the balancer where `make run`'s web is, every other port
        beside `make run`'s own (so SHOPFLOW_*_PORT and PORT move them all)."""
        metrics = int(settings.worker_metrics_address.rpartition(":")[2] or 9464)
        return cls(
            balancer=settings.port,
            web=(settings.port + 1, settings.port + 2),
            redis=(settings.redis_port, settings.redis_port + 1),
            sentinels=tuple(settings.redis_port + SENTINEL_OFFSET + n for n in range(3)),
            typesense=tuple(settings.typesense_port + 10 * n for n in range(3)),
            typesense_peering=tuple(settings.typesense_peering_port + 10 * n for n in range(3)),
            temporal=settings.temporal_port,
            temporal_ui=settings.temporal_ui_port,
            smtp=settings.smtp_port,
            worker_metrics=tuple(metrics + n for n in range(4)),
        )
