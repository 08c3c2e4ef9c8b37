"""Abuse limits, counted in Redis by Flask-Limiter so every web process shares them.

    login              per client IP and per account (normalised email), in steps that
                       back off (e.g. 5/minute, then 20/hour): guessing one account and
                       spraying one password over many accounts both hit a wall.
                       Fails CLOSED: with Redis down sign-in answers 503, never unlimited.
    registration       per client IP (each costs ~80 ms of scrypt)
    payment attempts   per checkout (at most 5) and per shopper per hour: card testing
    BEGIN              per shopper per minute: holding stock over and over
    held units         at most MAX_HELD_UNITS_PER_ITEM of one item in one checkout

Every limit is a Flask-Limiter string in Settings (`*_LIMIT` in .env.example), so tests
of other features run with generous ones. Everything but login fails open: a Redis blip
must not stop shoppers paying.
"""

from __future__ import annotations

import hashlib
import logging
import time
from dataclasses import dataclass

from flask import Flask, current_app
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from limits import parse_many

from settings import Settings

log = logging.getLogger(__name__)

EXTENSION_KEY = "shopflow.limits"


@dataclass(frozen=True)
class Verdict:
    allowed: bool
    retry_after: int = 0  # seconds until the window that refused ends


ALLOWED = Verdict(True)


class LimiterUnavailable(RuntimeError):
    """Redis could not be asked, for a limit that must fail closed (sign-in): 503."""


class AbuseLimits:
    def __init__(self, app: Flask, settings: Settings) -> None:
        self.settings = settings
        self.flask_limiter = Limiter(
            key_func=get_remote_address,
            app=app,
            storage_uri=settings.redis_url,
            # Short timeouts: a limit check is on every sign-in and payment.
            storage_options={"socket_timeout": 0.5, "socket_connect_timeout": 0.5},
            strategy="fixed-window",
            key_prefix="shopflow-limits",
            swallow_errors=True,
        )

    def hit(self, name: str, limit: str, key: str, *, fail_closed: bool = False) -> Verdict:
        """Count one attempt of `name` for `key` against every window of `limit`."""
        try:
            for item in parse_many(limit):
                if not self.flask_limiter.limiter.hit(item, name, key):
                    stats = self.flask_limiter.limiter.get_window_stats(item, name, key)
                    return Verdict(False, max(int(stats.reset_time - time.time()), 1))
        except Exception as exc:  # any storage error (redis, limits wraps them)
            if fail_closed:
                raise LimiterUnavailable(name) from exc
            log.warning("%s limit skipped, Redis unavailable: %s", name, type(exc).__name__)
        return ALLOWED

    # --- the store's limits ---------------------------------------------------------

    def login(self, client_ip: str, email: str) -> Verdict:
        account = hashlib.sha256(email.encode()).hexdigest()[:32]  # keys hold no email
        for name, limit, key in (
            ("login-ip", self.settings.login_limit_per_ip, client_ip),
            ("login-account", self.settings.login_limit_per_account, account),
        ):
            verdict = self.hit(name, limit, key, fail_closed=True)
            if not verdict.allowed:
                return verdict
        return ALLOWED

    def payment(self, user_id: int, checkout_id: str) -> Verdict:
        for name, limit, key in (
            ("pay-checkout", self.settings.payment_limit_per_checkout, checkout_id),
            ("pay-user", self.settings.payment_limit_per_user, str(user_id)),
        ):
            verdict = self.hit(name, limit, key)
            if not verdict.allowed:
                return verdict
        return ALLOWED

    def registration(self, client_ip: str) -> Verdict:
        return self.hit("register-ip", self.settings.register_limit_per_ip, client_ip)

    def password_reset(self, client_ip: str, email: str = "") -> Verdict:
        """Reset requests (per address, and per account when an email is given) and link
        uses (per address): a link's 256 bits cannot be guessed, but nobody should try."""
        checks = [("reset-ip", self.settings.password_reset_limit_per_ip, client_ip)]
        if email:
            account = hashlib.sha256(email.encode()).hexdigest()[:32]  # keys hold no email
            checks.append(
                ("reset-account", self.settings.password_reset_limit_per_account, account)
            )
        for name, limit, key in checks:
            verdict = self.hit(name, limit, key)
            if not verdict.allowed:
                return verdict
        return ALLOWED

    def begin(self, user_id: int) -> Verdict:
        return self.hit("begin-user", self.settings.begin_limit_per_user, str(user_id))


def init_limits(app: Flask, settings: Settings) -> AbuseLimits:
    limits = AbuseLimits(app, settings)
    app.extensions[EXTENSION_KEY] = limits
    return limits


def abuse_limits() -> AbuseLimits:
    return current_app.extensions[EXTENSION_KEY]


def units_over_cap(lines) -> str | None:
    """Why these checkout lines hold more of one item than one shopper may, or None."""
    cap = abuse_limits().settings.max_held_units_per_item
    over = [line for line in lines if line.quantity > cap]
    if not over:
        return None
    items = ", ".join(f"item {line.item_id} ({line.quantity})" for line in over)
    return f"One shopper can check out at most {cap} of one item; lower the quantity of {items}."


def client_ip() -> str:
    """The client's address as the web server saw it (behind a proxy: configure ProxyFix)."""
    return get_remote_address() or "unknown"


def too_many_message(what: str, verdict: Verdict) -> str:
    wait = verdict.retry_after
    unit = "second" if wait < 120 else "minute"
    amount = wait if unit == "second" else round(wait / 60)
    return (
        f"Too many {what}. Please wait {amount} {unit}{'s' if amount != 1 else ''} and try again."
    )
