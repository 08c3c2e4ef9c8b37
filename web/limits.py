"""Abuse limits, counted in Redis by Flask-Limiter so every web process shares them.

    login              FAILED sign-ins (and wrong current passwords on a password change)
                       per client IP, per (account, IP), and per account; the account-wide
                       cap only refuses an address that has failed on that account itself,
                       so nobody can lock the owner out: a correct password from an address
                       with no failures is never refused. Guessing one account from one
                       address, and spraying one password over many accounts, hit a wall.
                       Fails CLOSED: with Redis down sign-in answers 503, never unlimited.
    registration       per client IP (each costs ~80 ms of scrypt)
    payment attempts   per checkout (at most 5) and per shopper per hour: card testing
    BEGIN              per shopper per minute: holding stock over and over
    shopper writes     per shopper and feature: cart changes, address book writes,
                       order cancels (each a transaction, a cancel a Temporal update)
    holds per item     new holds per shopper per item over time: letting holds on one
                       item lapse again and again makes the shopper wait (429)
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

from db.redis.connect import limiter_storage_options, limiter_storage_uri
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
            storage_uri=limiter_storage_uri(settings),
            storage_options=limiter_storage_options(settings),
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
        """May this address try a password on this account now? Counts nothing: only
        failures count (`login_failed`)."""
        pair = f"{_account_key(email)}:{client_ip}"
        try:
            for name, limit, key in self._login_limits(client_ip, email):
                if name == "login-account" and not self._has_failed(pair):
                    continue  # the account-wide cap never refuses a clean address
                for item in parse_many(limit):
                    if not self.flask_limiter.limiter.test(item, name, key):
                        stats = self.flask_limiter.limiter.get_window_stats(item, name, key)
                        return Verdict(False, max(int(stats.reset_time - time.time()), 1))
        except Exception as exc:
            raise LimiterUnavailable("login") from exc
        return ALLOWED

    def login_failed(self, client_ip: str, email: str) -> None:
        """Count one wrong password of this address on this account."""
        try:
            for name, limit, key in self._login_limits(client_ip, email):
                for item in parse_many(limit):
                    self.flask_limiter.limiter.hit(item, name, key)
        except Exception as exc:  # the next attempt's `login` check fails closed (503)
            log.warning(
                "a failed sign-in went uncounted, Redis unavailable: %s", type(exc).__name__
            )

    def _login_limits(self, client_ip: str, email: str) -> list[tuple[str, str, str]]:
        account = _account_key(email)
        return [
            ("login-ip", self.settings.login_limit_per_ip, client_ip),
            ("login-pair", self.settings.login_limit_per_account_address, f"{account}:{client_ip}"),
            ("login-account", self.settings.login_limit_per_account, account),
        ]

    def _has_failed(self, pair: str) -> bool:
        """Any failure of this (account, address) within the widest window of its limit."""
        widest = max(
            parse_many(self.settings.login_limit_per_account_address),
            key=lambda item: item.get_expiry(),
        )
        stats = self.flask_limiter.limiter.get_window_stats(widest, "login-pair", pair)
        return stats.remaining < widest.amount

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

    def shopper_write(self, user_id: int | str, feature: str) -> Verdict:
        """One write of `feature` ("cart", "addresses", "cancel") by this shopper."""
        return self.hit(
            f"write-{feature}", self.settings.shopper_write_limit_per_user, str(user_id)
        )

    @property
    def max_held_units_per_item(self) -> int:
        return self.settings.max_held_units_per_item

    def holds_left(self, user_id: int, item_id: int) -> Verdict:
        """Whether the shopper may hold `item_id` once more (counted by `hold_begun`).

        Counts new holds, not BEGIN requests: a double click joins the running
        checkout and costs nothing, while holds left to lapse again and again do.
        """
        key = f"{user_id}:{item_id}"
        try:
            for item in parse_many(self.settings.hold_limit_per_item):
                if not self.flask_limiter.limiter.test(item, "hold-item", key):
                    stats = self.flask_limiter.limiter.get_window_stats(item, "hold-item", key)
                    return Verdict(False, max(int(stats.reset_time - time.time()), 1))
        except Exception as exc:  # fails open, like every limit but sign-in
            log.warning("hold limit skipped, Redis unavailable: %s", type(exc).__name__)
        return ALLOWED

    def hold_begun(self, user_id: int, item_id: int) -> None:
        self.hit("hold-item", self.settings.hold_limit_per_item, f"{user_id}:{item_id}")


def _account_key(email: str) -> str:
    return hashlib.sha256(email.encode()).hexdigest()[:32]  # keys hold no email


def init_limits(app: Flask, settings: Settings) -> AbuseLimits:
    limits = AbuseLimits(app, settings)
    app.extensions[EXTENSION_KEY] = limits
    return limits


def abuse_limits() -> AbuseLimits:
    return current_app.extensions[EXTENSION_KEY]


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
