"""The ports of the reset use cases for one request: the stored links (built by the
composition root, entrypoints/web_services.py), the mail workflow, and the store's
password policy. The policy is this one call
(`password_problem`): whatever web/auth's policy becomes, a reset follows it."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from web.auth.accounts import WeakPassword, check_password, hash_password
from web.auth.password_reset.workflow_client import ResetMail
from web.services import services
from workflows.task_queues import Service, task_queue


def password_problem(password: str, email: str) -> str | None:
    try:
        check_password(password, email=email)
    except WeakPassword as weak:
        return weak.message
    return None


def reset_ports() -> dict:
    """The keyword arguments every use case call shares."""
    return {"store": services().password_resets, "now": datetime.now(UTC)}


def request_ports() -> dict:
    settings = services().settings
    return {
        **reset_ports(),
        "mailer": ResetMail(
            services().temporal, task_queue(settings.task_queue, Service.FULFILMENT)
        ),
        "ttl": timedelta(seconds=settings.password_reset_ttl_seconds),
        "link_for": lambda token: f"{settings.store_url}/password-reset/{token}",
    }


def confirm_ports() -> dict:
    return {**reset_ports(), "policy": password_problem, "hasher": hash_password}
