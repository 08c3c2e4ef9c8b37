"""The four embedded servers, in the order the stack reports them."""

from __future__ import annotations

from .postgres import Postgres
from .redis_server import Redis
from .service import Aborted, Service
from .temporal_server import SEARCH_ATTRIBUTES, Temporal
from .typesense_server import Typesense

__all__ = [
    "ALL_SERVICES",
    "SEARCH_ATTRIBUTES",
    "Aborted",
    "Postgres",
    "Redis",
    "Service",
    "Temporal",
    "Typesense",
]

ALL_SERVICES: tuple[type[Service], ...] = (Postgres, Redis, Typesense, Temporal)
