"""Every setting shopflow has, read from the environment (and `.env`) in one place.

This module is the only reader of ``os.environ`` in the project (an import-linter
contract cannot check that, so `tests/test_layers.py` does). Everything else takes a
``Settings`` object; processes we start inherit the settings through `child_env`.

Each field names its environment variable (``env("NAME", default)``; a plain field
reads its own name in capitals): the loader, a pydantic-settings model, is generated from
the fields, so a new setting is one line here. A bad value stops the process with a sentence that names the variable and the
form it expects (`SettingsError`), never a traceback.

Modes (docs/deploy.md): ``SHOPFLOW_ENV=production``, the default, needs every service URL
and every secret set and never starts, guesses or generates anything. ``SHOPFLOW_ENV=dev``
may use the embedded stack that ``shopflow run`` / ``shopflow stack up`` start under
``var_dir`` (all service URLs unset), or external servers (all set); never a mix.
"""

from __future__ import annotations

import functools
import ipaddress
import math
import os
from collections import Counter
from collections.abc import Callable, Mapping
from dataclasses import MISSING, dataclass, field, fields, replace
from functools import cache
from pathlib import Path
from typing import Any, Literal

PROJECT_ROOT = Path(__file__).resolve().parent
DEV_SECRET_KEY = "dev-only-secret-change-me"
ENV_FILE = ".env"


def env(name: str, default: Any = MISSING, *, form: str | None = None, factory=None) -> Any:
    """A setting read from the variable `name`; `form` says what it expects, for errors."""
    metadata = {"env": name, "form": form}
    if factory is not None:
        return field(default_factory=factory, metadata=metadata)
    return field(default=default, metadata=metadata)


def _default_var_dir() -> Path:
    # The data directory of the folder the command runs in, never the installed package's.
    return Path("var").resolve()


URL = "a URL such as {}"


@dataclass(frozen=True)
class Settings:
    # Where the embedded stack keeps data, logs, pid files and generated keys.
    var_dir: Path = env("SHOPFLOW_VAR_DIR", factory=_default_var_dir, form="a directory")
    # "production" unless SHOPFLOW_ENV=dev is set explicitly (tests, local hacking).
    environment: Literal["dev", "production"] = env("SHOPFLOW_ENV", "production")

    # External services; None means "the embedded server" (dev only, all or none).
    database_url: str | None = env(
        "DATABASE_URL", None, form=URL.format("postgresql://user:password@host:5432/db")
    )
    redis_url: str | None = env("REDIS_URL", None, form=URL.format("redis://host:6379/0"))
    # Redis behind Sentinel (docs/scaling.md): the sentinels to ask for the primary of
    # REDIS_SENTINEL_MASTER. REDIS_URL still gives the password and database number; its
    # host is then only the fallback name in messages. Empty: REDIS_URL's host directly.
    redis_sentinels: tuple[str, ...] = env(
        "REDIS_SENTINELS", (), form="comma-separated host:port addresses"
    )
    redis_sentinel_master: str = env("REDIS_SENTINEL_MASTER", "shopflow")
    typesense_url: str | None = env("TYPESENSE_URL", None, form=URL.format("http://host:8108"))
    # A Typesense cluster (docs/scaling.md): every node's API address. When set it
    # supersedes TYPESENSE_URL (then best left unset): searches fail over between the
    # nodes and index writes go to any of them (`typesense_urls`).
    typesense_nodes: tuple[str, ...] = env(
        "TYPESENSE_NODES", (), form="comma-separated host:port addresses"
    )
    typesense_api_key: str | None = env("TYPESENSE_API_KEY", None)
    temporal_address: str | None = env("TEMPORAL_ADDRESS", None, form="host:port")
    # Temporal beyond the dev server (docs/deploy.md): mTLS files, or Temporal Cloud's
    # API key (which implies TLS).
    temporal_tls_ca: Path | None = env("TEMPORAL_TLS_CA", None, form="a PEM file")
    temporal_tls_cert: Path | None = env("TEMPORAL_TLS_CERT", None, form="a PEM file")
    temporal_tls_key: Path | None = env("TEMPORAL_TLS_KEY", None, form="a PEM file")
    temporal_api_key: str | None = env("TEMPORAL_API_KEY", None)
    # Outgoing mail (docs/email.md): smtp://[user:password@]host:port, or smtps:// for TLS
    # from the first byte; smtp+starttls:// upgrades. The worker requires it outside
    # SHOPFLOW_ENV=dev; `shopflow run` points it at the embedded mail server.
    smtp_url: str | None = env("SMTP_URL", None, form=URL.format("smtp://host:587"))
    # The embedded Redis's `requirepass`, generated into var/secrets.json by the stack
    # (stack/secrets.py); clients get it inside REDIS_URL.
    redis_password: str | None = None

    # Ports for the embedded servers (loopback only).
    redis_port: int = env("SHOPFLOW_REDIS_PORT", 6390)
    typesense_port: int = env("SHOPFLOW_TYPESENSE_PORT", 8108)
    typesense_peering_port: int = env("SHOPFLOW_TYPESENSE_PEERING_PORT", 8107)
    temporal_port: int = env("SHOPFLOW_TEMPORAL_PORT", 7233)
    temporal_ui_port: int = env("SHOPFLOW_TEMPORAL_UI_PORT", 8233)
    smtp_port: int = env("SHOPFLOW_SMTP_PORT", 8025)

    # Web app.
    host: str = env("HOST", "127.0.0.1")
    port: int = env("PORT", 8000)
    web_workers: int = env("WEB_WORKERS", 2)
    # Proxies in front of the web app whose X-Forwarded-* headers are believed (ProxyFix).
    # 0: none, the socket's peer is the client (and the address limits count).
    trusted_proxy_count: int = env("TRUSTED_PROXY_COUNT", 0)
    # Signs sessions, API tokens and search cursors. No usable default: outside
    # SHOPFLOW_ENV=dev a missing, short, patterned or published key stops every process
    # at start-up (`secret_problems`); `shopflow run` generates one into var/.
    secret_key: str = env("SECRET_KEY", "")
    # Encrypt Temporal payloads: the first key encrypts, every key decrypts (rotation).
    payload_encryption_keys: tuple[str, ...] = env(
        "PAYLOAD_ENCRYPTION_KEYS", (), form="a comma-separated list of keys, newest first"
    )
    # Seal card details in the sandbox vault (payments/vault_keys.py), rotated the same way.
    vault_keys: tuple[str, ...] = env(
        "VAULT_KEYS", (), form="a comma-separated list of keys, newest first"
    )

    # Temporal.
    temporal_namespace: str = env("TEMPORAL_NAMESPACE", "default")
    task_queue: str = env("TEMPORAL_TASK_QUEUE", "shopflow")

    # Search.
    typesense_collection: str = env("TYPESENSE_COLLECTION", "items")
    search_cache_ttl_seconds: int = env("SEARCH_CACHE_TTL_SECONDS", 30)
    search_timeout_seconds: float = env("SEARCH_TIMEOUT_SECONDS", 2.0)

    # Product pictures (docs/media.md): where their thumbnails are kept (default
    # var/media), and the public base of their URLs: "/media" (served by the store from
    # MEDIA_DIR) or a CDN / S3-compatible bucket's URL. Production must say which.
    media_dir: Path | None = env("MEDIA_DIR", None, form="a directory")
    media_url: str | None = env(
        "MEDIA_URL", None, form='"/media", or a URL such as https://cdn.example/media'
    )

    # Catalogue loaded by `make run` into an empty database.
    demo_items: int = env("DEMO_ITEMS", 20_000)
    demo_warehouses: int = env("DEMO_WAREHOUSES", 8)
    demo_seed: int = env("DEMO_SEED", 42)

    # Checkout: how long a hold lasts.
    reservation_ttl_seconds: int = env("RESERVATION_TTL_SECONDS", 300)
    # How an order is split over warehouses (domain.allocation.STRATEGIES):
    # "nearest" (fewest parcels, nearest first) or "high_stock".
    allocation_strategy: str = env("ALLOCATION_STRATEGY", "nearest")

    # Accounts: how long an API bearer token stays valid.
    api_token_ttl_seconds: int = env("API_TOKEN_TTL_SECONDS", 86_400)
    # How long a web process remembers whom a valid bearer token belongs to
    # (web/recent_users.py); a new password stops old tokens within this. 0 = off.
    api_user_cache_seconds: int = env("API_USER_CACHE_SECONDS", 10)
    # Browser sessions end after this long unused, and this long after sign-in whatever.
    session_idle_seconds: int = env("SESSION_IDLE_SECONDS", 2 * 3600)
    session_absolute_seconds: int = env("SESSION_ABSOLUTE_SECONDS", 7 * 86_400)

    # Abuse limits (web/limits.py), Flask-Limiter strings: "N per minute;M per hour".
    # Sign-in counts failures only (wrong passwords, also a wrong current password on a
    # password change); the per-account cap refuses only addresses that failed on it.
    login_limit_per_ip: str = env("LOGIN_LIMIT_PER_IP", "20 per minute;100 per hour")
    login_limit_per_account_address: str = env(
        "LOGIN_LIMIT_PER_ACCOUNT_ADDRESS", "5 per minute;20 per hour"
    )
    login_limit_per_account: str = env("LOGIN_LIMIT_PER_ACCOUNT", "50 per hour;200 per day")
    register_limit_per_ip: str = env("REGISTER_LIMIT_PER_IP", "10 per hour")
    payment_limit_per_checkout: str = env("PAYMENT_LIMIT_PER_CHECKOUT", "5 per hour")
    payment_limit_per_user: str = env("PAYMENT_LIMIT_PER_USER", "20 per hour")
    begin_limit_per_user: str = env("BEGIN_LIMIT_PER_USER", "10 per minute")
    # Each shopper's writes to the cart, the address book and order cancels, counted
    # apart per feature: far above a person's clicking, a wall for a script's loop.
    shopper_write_limit_per_user: str = env(
        "SHOPPER_WRITE_LIMIT_PER_USER", "120 per minute;2000 per hour"
    )
    # New holds of one item by one shopper (a hold left to lapse still counted).
    hold_limit_per_item: str = env("HOLD_LIMIT_PER_ITEM", "5 per hour")
    # Units of one item one checkout may hold (BEGIN refuses more with a 422).
    max_held_units_per_item: int = env("MAX_HELD_UNITS_PER_ITEM", 10)
    # The Temporal Web UI's origin as the operator's browser sees it: the only origin the
    # codec server (web/codec.py) answers (CORS). None: the embedded UI on loopback.
    temporal_ui_origin: str | None = env("TEMPORAL_UI_ORIGIN", None)
    # Served over HTTPS: Secure cookies and HSTS (web/headers.py).
    session_cookie_secure: bool = env("SESSION_COOKIE_SECURE", False)
    # The hold sweeper (a Temporal Schedule, every minute) releases a hold this long
    # past its expiry even if its checkout still looks alive (activities/hold_sweep.py).
    hold_sweep_grace_seconds: int = env("HOLD_SWEEP_GRACE_SECONDS", 300)
    # Live stock (docs/live-stock.md): the Redis key prefix of the stock feed, and the
    # longest silence on an SSE stream before a heartbeat comment.
    stock_feed_namespace: str = env("STOCK_FEED_NAMESPACE", "stock")
    sse_heartbeat_seconds: float = env("SSE_HEARTBEAT_SECONDS", 15.0)
    # Open streams (stock and waiting-room) one address / one signed-in user may hold in
    # one web process (web/live/caps.py); beyond them a 429 with Retry-After.
    sse_streams_per_address: int = env("SSE_STREAMS_PER_ADDRESS", 50)
    sse_streams_per_user: int = env("SSE_STREAMS_PER_USER", 10)
    # Threads per web process for the Flask storefront (a checkout waiting on Temporal
    # holds one); the SSE streams need none (web/live/asgi.py).
    web_threads: int = env("WEB_THREADS", 16)
    # The waiting room (docs/waiting-room.md): an admitted shopper has this
    # long to begin checkout; its workflow admits at most this many shoppers a second
    # and looks this often while anyone waits.
    admission_window_seconds: int = env("ADMISSION_WINDOW_SECONDS", 60)
    waiting_room_admission_rate: float = env("WAITING_ROOM_ADMISSION_RATE", 5.0)
    waiting_room_tick_ms: int = env("WAITING_ROOM_TICK_MS", 250)
    # Operations (docs/operations.md). Who may read the web's /metrics: client addresses in
    # these networks (CIDR); loopback by default, so a public port never shows it.
    metrics_allowed_networks: tuple[str, ...] = env(
        "METRICS_ALLOWED_NETWORKS",
        ("127.0.0.0/8", "::1/128"),
        form="comma-separated networks like 10.0.0.0/8",
    )
    # Where gunicorn's workers keep their metric files (prometheus-client multiprocess
    # mode); set for gunicorn by entrypoints/gunicorn.py, None elsewhere (in-memory).
    prometheus_multiproc_dir: Path | None = env("PROMETHEUS_MULTIPROC_DIR", None)
    # Each /readyz probe's budget.
    readiness_timeout_seconds: float = env("READINESS_TIMEOUT_SECONDS", 1.0)
    # The worker's Prometheus endpoint (Temporal SDK + checkout metrics); "" turns it off.
    worker_metrics_address: str = env("WORKER_METRICS_ADDRESS", "127.0.0.1:9464")
    # Email (docs/email.md): the sender of every message, and the store's address as the
    # shopper's browser sees it (links in emails); None: http://HOST:PORT.
    mail_from: str = env("MAIL_FROM", "shopflow <orders@shopflow.localhost>")
    public_url: str | None = env("PUBLIC_URL", None, form=URL.format("https://shop.example"))
    # Password reset (docs/security.md): how long a link works, and how many requests
    # one client address and one account may make.
    password_reset_ttl_seconds: int = env("PASSWORD_RESET_TTL_SECONDS", 1_800)
    password_reset_limit_per_ip: str = env(
        "PASSWORD_RESET_LIMIT_PER_IP", "5 per minute;20 per hour"
    )
    password_reset_limit_per_account: str = env(
        "PASSWORD_RESET_LIMIT_PER_ACCOUNT", "3 per 15 minutes;10 per day"
    )
    # OTLP traces go here when set (the standard OTEL_EXPORTER_OTLP_[TRACES_]ENDPOINT, read
    # in `_otlp_traces_endpoint`); unset: no exporter, traces are off.
    otlp_traces_endpoint: str | None = env("OTEL_EXPORTER_OTLP_TRACES_ENDPOINT", None)

    @classmethod
    def from_env(
        cls, env: Mapping[str, str] | None = None, *, env_file: str | Path | None = ENV_FILE
    ) -> Settings:
        """The settings of `env` (default: this process's environment, then `.env`).

        Raises SettingsError naming every bad variable and the form it expects.
        """
        source = os.environ if env is None else env
        values = _load(env, env_file)
        # Two settings the loader cannot say alone: an explicitly empty metrics address
        # (off), and the OpenTelemetry variables' own precedence.
        if source.get("WORKER_METRICS_ADDRESS", None) == "":
            values["worker_metrics_address"] = ""
        values["otlp_traces_endpoint"] = _otlp_traces_endpoint(source, values)
        _check_networks(values.get("metrics_allowed_networks", ()))
        _check_addresses("REDIS_SENTINELS", values.get("redis_sentinels", ()))
        _check_addresses("TYPESENSE_NODES", values.get("typesense_nodes", ()))
        if values.get("environment") == "dev" and not values.get("secret_key"):
            # Only an explicit SHOPFLOW_ENV=dev gets a (published, hence useless) key.
            values["secret_key"] = DEV_SECRET_KEY
        if "var_dir" in values:
            values["var_dir"] = Path(values["var_dir"]).resolve()
        return cls(**values)

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
        """Every setting as environment variables, so a child process has the same ones."""
        pairs = {}
        for f in fields(self):
            value = getattr(self, f.name)
            if value is None or value == "" or value == ():
                continue
            if isinstance(value, bool):
                value = "true" if value else "false"
            elif isinstance(value, tuple):
                value = ",".join(value)
            pairs[env_name(f)] = str(value)
        return pairs

    def child_env(self) -> dict[str, str]:
        """The environment of a child process (web, worker, server): ours plus the settings."""
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
    def media_path(self) -> Path:
        """Where pictures' thumbnails are kept: MEDIA_DIR, else var/media."""
        return (self.media_dir or self.var_dir / "media").resolve()

    @property
    def media_base_url(self) -> str:
        """The base of pictures' URLs: MEDIA_URL, else this store's own /media."""
        return (self.media_url or "/media").rstrip("/")

    @property
    def is_dev(self) -> bool:
        return self.environment == "dev"

    @property
    def typesense_urls(self) -> tuple[str, ...]:
        """Every Typesense node's base URL: TYPESENSE_NODES (plain http), else TYPESENSE_URL
        (which may itself list several URLs, comma-separated); () when neither is set."""
        if self.typesense_nodes:
            return tuple(f"http://{address}" for address in self.typesense_nodes)
        if not self.typesense_url:
            return ()
        return tuple(url.strip() for url in self.typesense_url.split(",") if url.strip())

    @property
    def typesense_api_key_or_default(self) -> str:
        return self.typesense_api_key or "shopflow-dev-key"


def inherited_env() -> dict[str, str]:
    """A copy of this process's environment, for the child processes we start."""
    return dict(os.environ)


# --- Loading: a pydantic-settings model generated from the fields above ---------------------

_UNSET: Any = object()  # "not in the environment": the dataclass default applies


def _comma_list(value: object) -> object:
    return (
        tuple(k.strip() for k in value.split(",") if k.strip()) if isinstance(value, str) else value
    )


def _form(f, hint) -> str:
    if f.metadata.get("form"):
        return f.metadata["form"]
    text = str(hint)
    for kind, form in (("bool", "true or false"), ("int", "a whole number"),
                       ("float", "a number"), ("Literal", "one of {}")):  # fmt: skip
        if kind in text:
            return form.format(" or ".join(repr(a) for a in getattr(hint, "__args__", ())))
    return "text"


@cache
def _model():
    """The pydantic-settings class for `Settings`: one optional field per variable."""
    from typing import Annotated, get_type_hints

    from pydantic import BeforeValidator, Field, create_model
    from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

    class EnvironmentBase(BaseSettings):
        model_config = SettingsConfigDict(
            case_sensitive=True,
            extra="ignore",
            env_ignore_empty=True,  # VAR= means "not set", as in a shell
            str_strip_whitespace=True,
            env_file_encoding="utf-8",
            validate_default=False,  # the defaults live on Settings; _UNSET means "not set"
        )

    hints = get_type_hints(Settings)
    definitions = {}
    for f in fields(Settings):
        hint = hints[f.name]
        if hint == tuple[str, ...]:
            hint = Annotated[hint, NoDecode, BeforeValidator(_comma_list)]
        definitions[f.name] = (hint, Field(_UNSET, alias=env_name(f)))
    return create_model("SettingsEnvironment", __base__=EnvironmentBase, **definitions)


def _load(env: Mapping[str, str] | None, env_file: str | Path | None) -> dict[str, Any]:
    """Field values from the environment (or `env`), each validated, else SettingsError."""
    from pydantic import ValidationError

    model = _model()
    try:
        if env is None:
            loaded = model(_env_file=env_file)
        else:
            loaded = model.model_validate({k: v for k, v in env.items() if v.strip()})
    except ValidationError as exc:
        hints = {env_name(f): (f, h) for f, h in zip(fields(Settings), _hints(), strict=True)}
        problems = []
        for error in exc.errors():
            name = str(error["loc"][0])
            f, hint = hints[name]
            got = error.get("input")
            problems.append(f"{name} must be {_form(f, hint)} (got {got!r})")
        raise SettingsError(sorted(set(problems))) from None
    return {k: v for k, v in dict(loaded).items() if v is not _UNSET}


def _otlp_traces_endpoint(source: Mapping[str, str], values: dict) -> str | None:
    if source.get("OTEL_SDK_DISABLED", "").strip().lower() == "true":
        return None
    endpoint = values.get("otlp_traces_endpoint") or source.get("OTEL_EXPORTER_OTLP_ENDPOINT")
    return (endpoint or "").strip() or None


def _check_networks(networks: tuple[str, ...]) -> None:
    for network in networks:
        try:
            ipaddress.ip_network(network, strict=False)
        except ValueError:
            raise SettingsError(
                [
                    f"METRICS_ALLOWED_NETWORKS must be comma-separated networks like 10.0.0.0/8"
                    f" (got {network!r})"
                ]  # fmt: skip
            ) from None


def _check_addresses(name: str, addresses: tuple[str, ...]) -> None:
    for address in addresses:
        host, _, port = address.rpartition(":")
        if not host or not port.isdecimal() or not 0 < int(port) < 65536:
            raise SettingsError(
                [f"{name} must be comma-separated host:port addresses (got {address!r})"]
            )


def _hints() -> list:
    from typing import get_type_hints

    hints = get_type_hints(Settings)
    return [hints[f.name] for f in fields(Settings)]


@cache
def env_names() -> dict[str, str]:
    """Field name -> environment variable, for messages."""
    return {f.name: env_name(f) for f in fields(Settings)}


def env_name(f) -> str:
    """A field's variable: the one `env()` names, else the field's name in capitals (so a
    plain `redis_password: str | None = None` reads REDIS_PASSWORD)."""
    return f.metadata.get("env") or f.name.upper()


# --- Completeness and secrets -------------------------------------------------------------


class SettingsError(ValueError):
    """Settings a process cannot start with; the message is for an operator, one per line."""

    def __init__(self, problems: list[str], advice: str = "") -> None:
        self.problems = problems
        super().__init__("\n".join([*problems, *([advice] if advice else [])]))


class InsecureSettings(SettingsError):
    """A secret a public attacker could know or guess: the process refuses to start."""


SERVICE_URLS = ("database_url", "redis_url", "typesense_url", "temporal_address")
MIN_SECRET_BYTES = 32
# At least this many bits by a per-character estimate (token_urlsafe(48) has ~350).
MIN_SECRET_BITS = 128
# Keys that were ever published (this repo's defaults, compose's, the docs'): never accepted
# outside dev, whatever their length.
KNOWN_DEFAULT_SECRETS = frozenset(
    {
        DEV_SECRET_KEY,
        "shopflow-dev-key",
        "change-me-in-production",
        "change-me",
        "changeme",
        "secret",
        "test-secret-key",
        "bench-secret",
    }
)
GENERATE = "python -c 'import secrets; print(secrets.token_urlsafe(48))'"


def missing_services(settings: Settings) -> list[str]:
    """The service variables that are not set, by name (Typesense's is set by either
    TYPESENSE_URL or TYPESENSE_NODES)."""
    missing = []
    for name in SERVICE_URLS:
        if name == "typesense_url":
            if not settings.typesense_urls:
                missing.append("TYPESENSE_URL (or TYPESENSE_NODES)")
        elif not getattr(settings, name):
            missing.append(env_names()[name])
    return missing


def _weakness(value: str) -> str | None:
    """Why a key is guessable, or None."""
    if value in KNOWN_DEFAULT_SECRETS:
        return "is a published default"
    if len(value.encode()) < MIN_SECRET_BYTES:
        return f"is shorter than {MIN_SECRET_BYTES} bytes"
    for period in range(1, len(value) // 2 + 1):
        if value == (value[:period] * (len(value) // period + 1))[: len(value)]:
            return f"repeats a pattern of {period} character(s)"
    counts = Counter(value)
    bits = -sum(n * math.log2(n / len(value)) for n in counts.values())
    if bits < MIN_SECRET_BITS:
        return f"has too little entropy (about {bits:.0f} bits, {MIN_SECRET_BITS} needed)"
    return None


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
    checks.append(("TYPESENSE_API_KEY", settings.typesense_api_key or ""))
    for name, value in checks:
        if not value:
            problems.append(
                f"{name} is not set (expected a random key of {MIN_SECRET_BYTES}+ bytes)"
            )
        elif reason := _weakness(value):
            problems.append(f"{name} {reason}")
    return problems


def require_safe_secrets(settings: Settings) -> None:
    """Raise InsecureSettings unless the secrets are safe or SHOPFLOW_ENV=dev says not to care."""
    if settings.is_dev:
        return
    problems = secret_problems(settings)
    if problems:
        raise InsecureSettings(
            ["Refusing to start: " + problems[0], *problems[1:]],
            f"Generate keys with `{GENERATE}`, or set SHOPFLOW_ENV=dev on a developer machine"
            " (`shopflow run` generates them under var/).",
        )


def tls_problems(settings: Settings) -> list[str]:
    """The Temporal TLS files: a client certificate needs its key, and each file must exist."""
    problems = []
    if bool(settings.temporal_tls_cert) != bool(settings.temporal_tls_key):
        problems.append("TEMPORAL_TLS_CERT and TEMPORAL_TLS_KEY are set together or not at all")
    for name in ("temporal_tls_ca", "temporal_tls_cert", "temporal_tls_key"):
        path = getattr(settings, name)
        if path and not Path(path).is_file():
            problems.append(f"{env_names()[name]} must be a PEM file (no file at {str(path)!r})")
    return problems


def require_dev(settings: Settings, what: str) -> None:
    """Raise SettingsError unless SHOPFLOW_ENV=dev: production never starts embedded servers."""
    if not settings.is_dev:
        raise SettingsError(
            [f"{what}, which SHOPFLOW_ENV=production never does"],
            "Set SHOPFLOW_ENV=dev on a developer machine (`make run` does).",
        )


def require_complete(settings: Settings) -> None:
    """Raise SettingsError unless a connecting process knows every server it talks to.

    Production needs every service URL and every secret. Dev takes all service URLs or
    none (the embedded stack): a partial set would fill the rest in with embedded
    addresses and could join another store's servers.
    """
    missing = missing_services(settings)
    if problems := tls_problems(settings):
        raise SettingsError(problems)
    if settings.is_dev:
        if missing and len(missing) < len(SERVICE_URLS):
            raise SettingsError(
                [f"{name} is not set" for name in missing],
                "Set every service URL, or none to use the embedded stack "
                "(`shopflow run` or `shopflow stack up`).",
            )
        return
    problems = [f"{name} is not set (SHOPFLOW_ENV=production)" for name in missing]
    if not settings.media_url:
        problems.append(
            'MEDIA_URL is not set (SHOPFLOW_ENV=production): "/media" to serve pictures from'
            " MEDIA_DIR through the store, or the URL of the CDN or bucket that serves them"
        )
    problems += secret_problems(settings)
    if problems:
        raise SettingsError(
            problems,
            "Production never falls back to embedded servers or generated keys; set them"
            " (.env or the environment), or SHOPFLOW_ENV=dev on a developer machine.",
        )


# --- Commands -----------------------------------------------------------------------------


class LazySettings:
    """What the `shopflow` group puts on click's context: settings resolved on first use, so
    `--help` and commands that need none (`stack`, `run`) never resolve, check or write."""

    def __init__(self, resolve: Callable[[], Settings]) -> None:
        self._resolve = resolve
        self._settings: Settings | None = None

    def get(self) -> Settings:
        if self._settings is None:
            self._settings = self._resolve()
        return self._settings


def pass_settings(command: Callable) -> Callable:
    """Click decorator: the command gets the command line's settings as its first argument
    (a `Settings` a test put on the context, else the `shopflow` group's, else the
    environment's, checked with `require_complete`)."""
    import click

    @functools.wraps(command)
    def with_settings(*args: Any, **kwargs: Any) -> Any:
        context = click.get_current_context()
        settings = context.find_object(Settings)
        if settings is None:
            lazy = context.find_object(LazySettings)
            if lazy is None:
                settings = Settings.from_env()
                require_complete(settings)
            else:
                settings = lazy.get()
        return command(settings, *args, **kwargs)

    return with_settings
