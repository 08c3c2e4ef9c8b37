"""Whose waiting-room ticket is it: asked by the ticket streams (web/live/tickets.py),
answered by the waiting room feature, plugged in by the app factory (web/__init__.py).

Features do not import each other, so the streams ask through this module.
"""

from __future__ import annotations

from collections.abc import Callable

from flask import Flask, current_app

from domain.refusals import Refusal

EXTENSION_KEY = "shopflow.ticket_refusal"

TicketRefusal = Callable[[str, int], Refusal | None]


def plug_in(app: Flask, answer: TicketRefusal) -> None:
    app.extensions[EXTENSION_KEY] = answer


def ticket_refusal(ticket_id: str, user_id: int) -> Refusal | None:
    """None when `ticket_id` is `user_id`'s ticket, else why not (unknown, not theirs)."""
    answer: TicketRefusal = current_app.extensions[EXTENSION_KEY]
    return answer(ticket_id, user_id)
