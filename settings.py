"""Every setting shopflow has, read from the environment in one place.

This module is the only reader of ``os.environ`` in the project (an import-linter
contract cannot check that, so `tests/test_layers.py` does). Everything else takes a
``Settings`` object; processes we start inherit the environment through `child_env`. A service URL left unset (``None``) means "use the
embedded server that ``shopflow stack`` starts under ``var_dir``".
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, replace
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent


def _int(env: Mapping[str, str], name: str, default: int) -> int:
    raw = env.get(name, "").strip()
    if not raw:
        return default
    try:
        return int(raw)
    except ValueError as exc:
        raise ValueError(f"{name} must be an integer, got {raw!r}") from exc


def _str(env: Mapping[str, str], name: str, default: str | None = None) -> str | None:
    raw = env.get(name, "").strip()
    return raw or default


@dataclass(frozen=True)
class Settings:
    # Where the embedded stack keeps data, logs and pid files.
    var_dir: Path = PROJECT_ROOT / "var"

    # External services; None means "embedded".
    database_url: str | None = None
    redis_url: str | None = None
    typesense_url: str | None = None
    typesense_api_key: str | None = None
    temporal_address: str | None = None

    # Ports for the embedded servers (loopback only).
    redis_port: int = 6390
    typesense_port: int = 8108
    typesense_peering_port: int = 8107
    temporal_port: int = 7233
    temporal_ui_port: int = 8233

    # Web app.
    host: str = "127.0.0.1"
    port: int = 8000
    web_workers: int = 2
    secret_key: str = "dev-only-secret-change-me"
    # Encrypts Temporal payloads (card details on their way to the gateway); defaults
    # to a key derived from secret_key.
    payload_encryption_key: str | None = None

    # Temporal.
    temporal_namespace: str = "default"
    task_queue: str = "shopflow"

    # Search.
    typesense_collection: str = "items"
    search_cache_ttl_seconds: int = 30
    search_timeout_seconds: float = 2.0

    # Catalogue loaded by `make run` into an empty database.
    demo_items: int = 20_000
    demo_warehouses: int = 8
    demo_seed: int = 42

    # Checkout (used from issue 3 on).
    reservation_ttl_seconds: int = 300
    # How an order is split over warehouses (domain.allocation.STRATEGIES):
    # "nearest" (fewest parcels, nearest first) or "high_stock".
    allocation_strategy: str = "nearest"

    # Accounts: login attempts allowed per (client IP, email) in a window, and how long an
    # API bearer token stays valid.
    login_rate_limit_attempts: int = 10
    login_rate_limit_window_seconds: int = 60
    api_token_ttl_seconds: int = 86_400

    # The hold sweeper (a Temporal Schedule, every minute) releases a hold this long
    # past its expiry even if its checkout still looks alive (activities/hold_sweep.py).
    hold_sweep_grace_seconds: int = 300

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> Settings:
        env = os.environ if env is None else env
        default = cls()
        var_dir = Path(_str(env, "SHOPFLOW_VAR_DIR", str(default.var_dir))).resolve()
        return cls(
            var_dir=var_dir,
            database_url=_str(env, "DATABASE_URL"),
            redis_url=_str(env, "REDIS_URL"),
            typesense_url=_str(env, "TYPESENSE_URL"),
            typesense_api_key=_str(env, "TYPESENSE_API_KEY"),
            temporal_address=_str(env, "TEMPORAL_ADDRESS"),
            redis_port=_int(env, "SHOPFLOW_REDIS_PORT", default.redis_port),
            typesense_port=_int(env, "SHOPFLOW_TYPESENSE_PORT", default.typesense_port),
            typesense_peering_port=_int(
                env, "SHOPFLOW_TYPESENSE_PEERING_PORT", default.typesense_peering_port
            ),
            temporal_port=_int(env, "SHOPFLOW_TEMPORAL_PORT", default.temporal_port),
            temporal_ui_port=_int(env, "SHOPFLOW_TEMPORAL_UI_PORT", default.temporal_ui_port),
            host=_str(env, "HOST", default.host),
            port=_int(env, "PORT", default.port),
            web_workers=_int(env, "WEB_WORKERS", default.web_workers),
            secret_key=_str(env, "SECRET_KEY", default.secret_key),
            payload_encryption_key=_str(env, "PAYLOAD_ENCRYPTION_KEY"),
            temporal_namespace=_str(env, "TEMPORAL_NAMESPACE", default.temporal_namespace),
            task_queue=_str(env, "TEMPORAL_TASK_QUEUE", default.task_queue),
            typesense_collection=_str(env, "TYPESENSE_COLLECTION", default.typesense_collection),
            search_cache_ttl_seconds=_int(
                env, "SEARCH_CACHE_TTL_SECONDS", default.search_cache_ttl_seconds
            ),
            search_timeout_seconds=float(
                _str(env, "SEARCH_TIMEOUT_SECONDS", str(default.search_timeout_seconds))
            ),
            demo_items=_int(env, "DEMO_ITEMS", default.demo_items),
            demo_warehouses=_int(env, "DEMO_WAREHOUSES", default.demo_warehouses),
            demo_seed=_int(env, "DEMO_SEED", default.demo_seed),
            reservation_ttl_seconds=_int(
                env, "RESERVATION_TTL_SECONDS", default.reservation_ttl_seconds
            ),
            allocation_strategy=_str(env, "ALLOCATION_STRATEGY", default.allocation_strategy),
            login_rate_limit_attempts=_int(
                env, "LOGIN_RATE_LIMIT_ATTEMPTS", default.login_rate_limit_attempts
            ),
            login_rate_limit_window_seconds=_int(
                env, "LOGIN_RATE_LIMIT_WINDOW_SECONDS", default.login_rate_limit_window_seconds
            ),
            api_token_ttl_seconds=_int(env, "API_TOKEN_TTL_SECONDS", default.api_token_ttl_seconds),
            hold_sweep_grace_seconds=_int(
                env, "HOLD_SWEEP_GRACE_SECONDS", default.hold_sweep_grace_seconds
            ),
        )

    def with_services(
        self,
        *,
        database_url: str,
        redis_url: str,
        typesense_url: str,
        typesense_api_key: str,
        temporal_address: str,
    ) -> Settings:
        """A copy pointing at concrete servers (what the embedded stack started)."""
        return replace(
            self,
            database_url=database_url,
            redis_url=redis_url,
            typesense_url=typesense_url,
            typesense_api_key=typesense_api_key,
            temporal_address=temporal_address,
        )

    def service_env(self) -> dict[str, str]:
        """Environment for child processes (web, worker) so they reach the same servers."""
        pairs = {
            "DATABASE_URL": self.database_url,
            "REDIS_URL": self.redis_url,
            "TYPESENSE_URL": self.typesense_url,
            "TYPESENSE_API_KEY": self.typesense_api_key,
            "TEMPORAL_ADDRESS": self.temporal_address,
            "TEMPORAL_NAMESPACE": self.temporal_namespace,
            "TEMPORAL_TASK_QUEUE": self.task_queue,
            "TYPESENSE_COLLECTION": self.typesense_collection,
            "SECRET_KEY": self.secret_key,
            "PAYLOAD_ENCRYPTION_KEY": self.payload_encryption_key,
            "SHOPFLOW_VAR_DIR": str(self.var_dir),
            "PORT": str(self.port),
            "HOST": self.host,
        }
        return {k: v for k, v in pairs.items() if v is not None}

    def child_env(self) -> dict[str, str]:
        """The environment of a child process (web, worker, server): ours plus the services."""
        env = inherited_env()
        env.update(self.service_env())
        env.setdefault("PYTHONUNBUFFERED", "1")
        return env

    @property
    def typesense_api_key_or_default(self) -> str:
        return self.typesense_api_key or "shopflow-dev-key"


def inherited_env() -> dict[str, str]:
    """A copy of this process's environment, for the child processes we start."""
    return dict(os.environ)
