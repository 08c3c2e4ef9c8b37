"""Every setting shopflow has, read from the environment in one place.

This module is the only reader of ``os.environ`` in the project (an import-linter
contract cannot check that, so `tests/test_layers.py` does). Everything else takes a
``Settings`` object; processes we start inherit the environment through `child_env`. A service URL left unset (``None``) means "use the
embedded server that ``shopflow stack`` starts under ``var_dir``".
"""

from __future__ import annotations

import ipaddress
import os
from collections.abc import Mapping
from dataclasses import dataclass, replace
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent
DEV_SECRET_KEY = "dev-only-secret-change-me"


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


def _networks(env: Mapping[str, str], name: str, default: tuple[str, ...]) -> tuple[str, ...]:
    raw = env.get(name)
    if raw is None or not raw.strip():
        return default
    networks = tuple(part.strip() for part in raw.split(",") if part.strip())
    for network in networks:
        try:
            ipaddress.ip_network(network, strict=False)
        except ValueError as exc:
            raise ValueError(
                f"{name} must be comma-separated networks like 10.0.0.0/8, got {network!r}"
            ) from exc
    return networks


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
    # Outgoing mail (docs/email.md): smtp://[user:password@]host:port, or smtps:// for TLS
    # from the first byte; smtp+starttls:// upgrades. Required outside SHOPFLOW_ENV=dev;
    # `shopflow run` points it at the embedded mail server.
    smtp_url: str | None = None
    # The embedded Redis's `requirepass`, generated into var/secrets.json by the stack
    # (stack/secrets.py); clients get it inside REDIS_URL. Not read from the environment.
    redis_password: str | None = None

    # Ports for the embedded servers (loopback only).
    redis_port: int = 6390
    typesense_port: int = 8108
    typesense_peering_port: int = 8107
    temporal_port: int = 7233
    temporal_ui_port: int = 8233
    smtp_port: int = 8025

    # Web app.
    host: str = "127.0.0.1"
    port: int = 8000
    web_workers: int = 2
    # Signs sessions, API tokens and search cursors. No usable default: outside
    # SHOPFLOW_ENV=dev a missing, short or published key stops web and worker at start-up
    # (see `secret_problems`); `shopflow run` generates one into var/ (stack/secrets.py).
    secret_key: str = ""
    # Encrypt Temporal payloads: the first key encrypts, every key decrypts (rotation).
    payload_encryption_keys: tuple[str, ...] = ()
    # Seal card details in the sandbox vault (payments/vault_keys.py), rotated the same way.
    vault_keys: tuple[str, ...] = ()
    # "production" unless SHOPFLOW_ENV=dev is set explicitly (tests, local hacking).
    environment: str = "production"

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

    # Checkout.
    reservation_ttl_seconds: int = 300
    # How an order is split over warehouses (domain.allocation.STRATEGIES):
    # "nearest" (fewest parcels, nearest first) or "high_stock".
    allocation_strategy: str = "nearest"

    # Accounts: how long an API bearer token stays valid.
    api_token_ttl_seconds: int = 86_400
    # Browser sessions end after this long unused, and this long after sign-in whatever.
    session_idle_seconds: int = 2 * 3600
    session_absolute_seconds: int = 7 * 86_400
    # How long a web process remembers whom a valid bearer token belongs to
    # (web/recent_users.py); a new password stops old tokens within this. 0 = off.
    api_user_cache_seconds: int = 10

    # Abuse limits (web/limits.py), Flask-Limiter strings: "N per minute;M per hour".
    # Sign-in counts failures only (wrong passwords, also a wrong current password on a
    # password change); the per-account cap refuses only addresses that failed on it.
    login_limit_per_ip: str = "20 per minute;100 per hour"
    login_limit_per_account_address: str = "5 per minute;20 per hour"
    login_limit_per_account: str = "50 per hour;200 per day"
    register_limit_per_ip: str = "10 per hour"
    payment_limit_per_checkout: str = "5 per hour"
    payment_limit_per_user: str = "20 per hour"
    begin_limit_per_user: str = "10 per minute"
    # Each shopper's writes to the cart, the address book and order cancels, counted
    # apart per feature: far above a person's clicking, a wall for a script's loop.
    shopper_write_limit_per_user: str = "120 per minute;2000 per hour"
    # New holds of one item by one shopper (a hold left to lapse still counted).
    hold_limit_per_item: str = "5 per hour"
    # Units of one item one checkout may hold (BEGIN refuses more with a 422).
    max_held_units_per_item: int = 10
    # The Temporal Web UI's origin as the operator's browser sees it: the only origin the
    # codec server (web/codec.py) answers (CORS). None: the embedded UI on loopback.
    temporal_ui_origin: str | None = None
    # Served over HTTPS: Secure cookies and HSTS (web/headers.py).
    session_cookie_secure: bool = False
    # The hold sweeper (a Temporal Schedule, every minute) releases a hold this long
    # past its expiry even if its checkout still looks alive (activities/hold_sweep.py).
    hold_sweep_grace_seconds: int = 300
    # Live stock (docs/live-stock.md): the Redis key prefix of the stock feed, and the
    # longest silence on an SSE stream before a heartbeat comment.
    stock_feed_namespace: str = "stock"
    sse_heartbeat_seconds: float = 15.0
    # Open streams (stock and waiting-room) one address / one signed-in user may hold in
    # one web process (web/live/caps.py); beyond them a 429 with Retry-After.
    sse_streams_per_address: int = 50
    sse_streams_per_user: int = 10
    # Threads per web process for the Flask storefront (a checkout waiting on Temporal
    # holds one); the SSE streams need none (web/live/asgi.py).
    web_threads: int = 16
    # Waiting room for hot items (docs/waiting-room.md): an admitted shopper has this
    # long to begin checkout; the gatekeeper admits at most this many shoppers a second
    # and looks this often while anyone waits.
    admission_window_seconds: int = 60
    hot_admission_rate: float = 5.0
    hot_gate_tick_ms: int = 250
    # Operations (docs/operations.md). Who may read the web's /metrics: client addresses in
    # these networks (CIDR); loopback by default, so a public port never shows it.
    metrics_allowed_networks: tuple[str, ...] = ("127.0.0.0/8", "::1/128")
    # Where gunicorn's workers keep their metric files (prometheus-client multiprocess
    # mode); set for gunicorn by entrypoints/gunicorn.py, None elsewhere (in-memory).
    prometheus_multiproc_dir: Path | None = None
    # Each /readyz probe's budget.
    readiness_timeout_seconds: float = 1.0
    # The worker's Prometheus endpoint (Temporal SDK + checkout metrics); "" turns it off.
    worker_metrics_address: str = "127.0.0.1:9464"
    # Email (docs/email.md): the sender of every message, and the store's address as the
    # shopper's browser sees it (links in emails); None: http://HOST:PORT.
    mail_from: str = "shopflow <orders@shopflow.localhost>"
    public_url: str | None = None
    # Password reset (docs/security.md): how long a link works, and how many requests
    # one client address may make.
    password_reset_ttl_seconds: int = 1_800
    password_reset_limit_per_ip: str = "5 per minute;20 per hour"
    password_reset_limit_per_account: str = "3 per 15 minutes;10 per day"
    # OTLP traces go here when set (the standard OTEL_EXPORTER_OTLP_[TRACES_]ENDPOINT);
    # unset: no exporter, traces are off.
    otlp_traces_endpoint: str | None = None

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> Settings:
        env = os.environ if env is None else env
        default = cls()
        environment = _str(env, "SHOPFLOW_ENV", default.environment)
        # Only an explicit SHOPFLOW_ENV=dev gets a (published, hence useless) fallback key.
        default_secret = DEV_SECRET_KEY if environment == "dev" else default.secret_key
        var_dir = Path(_str(env, "SHOPFLOW_VAR_DIR", str(default.var_dir))).resolve()
        return cls(
            var_dir=var_dir,
            database_url=_str(env, "DATABASE_URL"),
            redis_url=_str(env, "REDIS_URL"),
            typesense_url=_str(env, "TYPESENSE_URL"),
            typesense_api_key=_str(env, "TYPESENSE_API_KEY"),
            temporal_address=_str(env, "TEMPORAL_ADDRESS"),
            smtp_url=_str(env, "SMTP_URL"),
            smtp_port=_int(env, "SHOPFLOW_SMTP_PORT", default.smtp_port),
            mail_from=_str(env, "MAIL_FROM", default.mail_from),
            public_url=_str(env, "PUBLIC_URL"),
            password_reset_ttl_seconds=_int(
                env, "PASSWORD_RESET_TTL_SECONDS", default.password_reset_ttl_seconds
            ),
            password_reset_limit_per_ip=_str(
                env, "PASSWORD_RESET_LIMIT_PER_IP", default.password_reset_limit_per_ip
            ),
            password_reset_limit_per_account=_str(
                env, "PASSWORD_RESET_LIMIT_PER_ACCOUNT", default.password_reset_limit_per_account
            ),
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
            secret_key=_str(env, "SECRET_KEY", default_secret),
            payload_encryption_keys=tuple(
                key.strip()
                for key in (_str(env, "PAYLOAD_ENCRYPTION_KEYS") or "").split(",")
                if key.strip()
            ),
            vault_keys=tuple(
                key.strip() for key in (_str(env, "VAULT_KEYS") or "").split(",") if key.strip()
            ),
            environment=environment,
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
            api_token_ttl_seconds=_int(env, "API_TOKEN_TTL_SECONDS", default.api_token_ttl_seconds),
            session_idle_seconds=_int(env, "SESSION_IDLE_SECONDS", default.session_idle_seconds),
            session_absolute_seconds=_int(
                env, "SESSION_ABSOLUTE_SECONDS", default.session_absolute_seconds
            ),
            login_limit_per_ip=_str(env, "LOGIN_LIMIT_PER_IP", default.login_limit_per_ip),
            login_limit_per_account=_str(
                env, "LOGIN_LIMIT_PER_ACCOUNT", default.login_limit_per_account
            ),
            login_limit_per_account_address=_str(
                env, "LOGIN_LIMIT_PER_ACCOUNT_ADDRESS", default.login_limit_per_account_address
            ),
            register_limit_per_ip=_str(env, "REGISTER_LIMIT_PER_IP", default.register_limit_per_ip),
            payment_limit_per_checkout=_str(
                env, "PAYMENT_LIMIT_PER_CHECKOUT", default.payment_limit_per_checkout
            ),
            payment_limit_per_user=_str(
                env, "PAYMENT_LIMIT_PER_USER", default.payment_limit_per_user
            ),
            begin_limit_per_user=_str(env, "BEGIN_LIMIT_PER_USER", default.begin_limit_per_user),
            shopper_write_limit_per_user=_str(
                env, "SHOPPER_WRITE_LIMIT_PER_USER", default.shopper_write_limit_per_user
            ),
            hold_limit_per_item=_str(env, "HOLD_LIMIT_PER_ITEM", default.hold_limit_per_item),
            max_held_units_per_item=_int(
                env, "MAX_HELD_UNITS_PER_ITEM", default.max_held_units_per_item
            ),
            temporal_ui_origin=_str(env, "TEMPORAL_UI_ORIGIN"),
            session_cookie_secure=_str(env, "SESSION_COOKIE_SECURE", "false").lower()
            in ("1", "true", "yes"),
            hold_sweep_grace_seconds=_int(
                env, "HOLD_SWEEP_GRACE_SECONDS", default.hold_sweep_grace_seconds
            ),
            stock_feed_namespace=_str(env, "STOCK_FEED_NAMESPACE", default.stock_feed_namespace),
            sse_heartbeat_seconds=float(
                _str(env, "SSE_HEARTBEAT_SECONDS", str(default.sse_heartbeat_seconds))
            ),
            web_threads=_int(env, "WEB_THREADS", default.web_threads),
            sse_streams_per_address=_int(
                env, "SSE_STREAMS_PER_ADDRESS", default.sse_streams_per_address
            ),
            sse_streams_per_user=_int(env, "SSE_STREAMS_PER_USER", default.sse_streams_per_user),
            admission_window_seconds=_int(
                env, "ADMISSION_WINDOW_SECONDS", default.admission_window_seconds
            ),
            hot_admission_rate=float(
                _str(env, "HOT_ADMISSION_RATE", str(default.hot_admission_rate))
            ),
            hot_gate_tick_ms=_int(env, "HOT_GATE_TICK_MS", default.hot_gate_tick_ms),
            api_user_cache_seconds=_int(
                env, "API_USER_CACHE_SECONDS", default.api_user_cache_seconds
            ),
            metrics_allowed_networks=_networks(
                env, "METRICS_ALLOWED_NETWORKS", default.metrics_allowed_networks
            ),
            prometheus_multiproc_dir=(
                Path(raw) if (raw := _str(env, "PROMETHEUS_MULTIPROC_DIR")) else None
            ),
            readiness_timeout_seconds=float(
                _str(env, "READINESS_TIMEOUT_SECONDS", str(default.readiness_timeout_seconds))
            ),
            worker_metrics_address=env.get(
                "WORKER_METRICS_ADDRESS", default.worker_metrics_address
            ).strip(),
            otlp_traces_endpoint=None
            if _str(env, "OTEL_SDK_DISABLED", "false").lower() == "true"
            else _str(env, "OTEL_EXPORTER_OTLP_TRACES_ENDPOINT")
            or _str(env, "OTEL_EXPORTER_OTLP_ENDPOINT"),
        )

    def with_services(
        self,
        *,
        database_url: str,
        redis_url: str,
        typesense_url: str,
        typesense_api_key: str,
        temporal_address: str,
        smtp_url: str | None = None,
    ) -> Settings:
        """A copy pointing at concrete servers (what the embedded stack started)."""
        return replace(
            self,
            smtp_url=smtp_url or self.smtp_url,
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
            "SMTP_URL": self.smtp_url,
            "MAIL_FROM": self.mail_from,
            "PUBLIC_URL": self.public_url,
            "PASSWORD_RESET_LIMIT_PER_IP": self.password_reset_limit_per_ip,
            "PASSWORD_RESET_LIMIT_PER_ACCOUNT": self.password_reset_limit_per_account,
            "TEMPORAL_NAMESPACE": self.temporal_namespace,
            "TEMPORAL_TASK_QUEUE": self.task_queue,
            "TYPESENSE_COLLECTION": self.typesense_collection,
            "SECRET_KEY": self.secret_key or None,
            "PAYLOAD_ENCRYPTION_KEYS": ",".join(self.payload_encryption_keys) or None,
            "VAULT_KEYS": ",".join(self.vault_keys) or None,
            "SHOPFLOW_ENV": self.environment,
            # Children apply the same abuse limits (tests and benches raise them).
            "LOGIN_LIMIT_PER_IP": self.login_limit_per_ip,
            "LOGIN_LIMIT_PER_ACCOUNT": self.login_limit_per_account,
            "LOGIN_LIMIT_PER_ACCOUNT_ADDRESS": self.login_limit_per_account_address,
            "REGISTER_LIMIT_PER_IP": self.register_limit_per_ip,
            "PAYMENT_LIMIT_PER_CHECKOUT": self.payment_limit_per_checkout,
            "PAYMENT_LIMIT_PER_USER": self.payment_limit_per_user,
            "BEGIN_LIMIT_PER_USER": self.begin_limit_per_user,
            "SHOPPER_WRITE_LIMIT_PER_USER": self.shopper_write_limit_per_user,
            "HOLD_LIMIT_PER_ITEM": self.hold_limit_per_item,
            "MAX_HELD_UNITS_PER_ITEM": str(self.max_held_units_per_item),
            "SESSION_COOKIE_SECURE": "true" if self.session_cookie_secure else "false",
            "SESSION_IDLE_SECONDS": str(self.session_idle_seconds),
            "SESSION_ABSOLUTE_SECONDS": str(self.session_absolute_seconds),
            "TEMPORAL_UI_ORIGIN": self.temporal_ui_origin,
            "SHOPFLOW_VAR_DIR": str(self.var_dir),
            "PORT": str(self.port),
            "HOST": self.host,
            "STOCK_FEED_NAMESPACE": self.stock_feed_namespace,
            "SSE_STREAMS_PER_ADDRESS": str(self.sse_streams_per_address),
            "SSE_STREAMS_PER_USER": str(self.sse_streams_per_user),
        }
        return {k: v for k, v in pairs.items() if v is not None}

    def child_env(self) -> dict[str, str]:
        """The environment of a child process (web, worker, server): ours plus the services."""
        env = inherited_env()
        env.update(self.service_env())
        env.setdefault("PYTHONUNBUFFERED", "1")
        return env

    @property
    def codec_origins(self) -> tuple[str, ...]:
        """Origins allowed to call the codec server: the configured UI, else the embedded one."""
        if self.temporal_ui_origin:
            return (self.temporal_ui_origin.rstrip("/"),)
        port = self.temporal_ui_port
        return (f"http://127.0.0.1:{port}", f"http://localhost:{port}")

    @property
    def codec_endpoint(self) -> str:
        """Where the embedded Web UI asks for payloads to be decoded: this store's /codec."""
        return f"http://{self.host}:{self.port}/codec"

    @property
    def store_url(self) -> str:
        """Where links in emails point: PUBLIC_URL, else this web server."""
        return (self.public_url or f"http://{self.host}:{self.port}").rstrip("/")

    @property
    def is_dev(self) -> bool:
        return self.environment == "dev"

    @property
    def typesense_api_key_or_default(self) -> str:
        # No published fallback: the embedded server's key is generated into
        # var/secrets.json (stack/secrets.py); compose requires TYPESENSE_API_KEY.
        return self.typesense_api_key or ""


def inherited_env() -> dict[str, str]:
    """A copy of this process's environment, for the child processes we start."""
    return dict(os.environ)


# --- Secrets ------------------------------------------------------------------------------

MIN_SECRET_BYTES = 32
# Keys that were ever published (this repo's defaults, compose's, the docs'): never accepted
# outside dev, whatever their length.
KNOWN_DEFAULT_SECRETS = frozenset(
    {
        DEV_SECRET_KEY,
        "change-me-in-production",
        "change-me",
        "changeme",
        "secret",
        "test-secret-key",
        "bench-secret",
    }
)


class InsecureSettings(ValueError):
    """A secret a public attacker could know or guess: the process refuses to start."""


def secret_problems(settings: Settings) -> list[str]:
    """What is wrong with the secrets, as sentences for an operator; [] when safe."""
    problems = []
    checks = [("SECRET_KEY", settings.secret_key)]
    if not settings.payload_encryption_keys:
        problems.append("PAYLOAD_ENCRYPTION_KEYS is not set")
    checks += [("PAYLOAD_ENCRYPTION_KEYS", key) for key in settings.payload_encryption_keys]
    if not settings.vault_keys:
        problems.append("VAULT_KEYS is not set")
    checks += [("VAULT_KEYS", key) for key in settings.vault_keys]
    for name, value in checks:
        if not value:
            problems.append(f"{name} is not set")
        elif value in KNOWN_DEFAULT_SECRETS:
            problems.append(f"{name} is a published default")
        elif len(value.encode()) < MIN_SECRET_BYTES:
            problems.append(f"{name} is shorter than {MIN_SECRET_BYTES} bytes")
    return problems


def require_safe_secrets(settings: Settings) -> None:
    """Raise InsecureSettings unless the secrets are safe or SHOPFLOW_ENV=dev says not to care."""
    if settings.is_dev:
        return
    problems = secret_problems(settings)
    if problems:
        raise InsecureSettings(
            "Refusing to start: "
            + "; ".join(problems)
            + ". Generate keys with `python -c 'import secrets; print(secrets.token_urlsafe(48))'`"
            " (`shopflow run` does it for you under var/), or set SHOPFLOW_ENV=dev on a"
            " developer machine."
        )
