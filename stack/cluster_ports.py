"""The ports of the local cluster (stack/cluster.py): free ones for a test or benchmark,
`make run-cluster`'s fixed ones beside `make run`'s (docs/scaling.md, "The local cluster")."""

from __future__ import annotations

import random
from dataclasses import dataclass

from settings import Settings

from .ports import LOOPBACK, free_ports, port_in_use

WEB_INSTANCES = 2
# The Sentinels of `make run-cluster` sit this far above the Redis port (6390: 26390-26392).
SENTINEL_OFFSET = 20_000
# Where a cluster on free ports takes them (see _quiet_free_ports).
QUIET_PORTS = (20_000, 32_000)


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
        p = _quiet_free_ports(1 + WEB_INSTANCES + 2 + 3 + 3 + 3 + 3 + 4)
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


def _quiet_free_ports(count: int) -> list[int]:
    """Free ports below the kernel's ephemeral range (32768-60999 on Linux). A port the
    kernel hands out for bind(0) may meanwhile become the source port of some outgoing
    connection (twenty nodes connecting to each other during the half minute they take
    to start made a web instance fail with "Address already in use"); below the range,
    only another process choosing the same port at random could take it."""
    chosen: list[int] = []
    for port in random.sample(range(QUIET_PORTS[0], QUIET_PORTS[1]), 4 * count):
        if not port_in_use(LOOPBACK, port):
            chosen.append(port)
            if len(chosen) == count:
                return chosen
    return free_ports(count)  # a crowded box: the kernel's choice
