"""An API client's token is checked against its user once, then remembered for a few
seconds (API_USER_CACHE_SECONDS): repeated calls need no read of the users table."""

from __future__ import annotations

import pytest
from sqlalchemy import event

from tests.web.shoppers import api_token

pytestmark = [pytest.mark.web, pytest.mark.integration]


def users_reads(app) -> list[str]:
    seen: list[str] = []
    engine = app.extensions["shopflow"].engine

    @event.listens_for(engine, "before_cursor_execute")
    def note(conn, cursor, statement, *args):  # noqa: ARG001
        if "FROM users" in statement:
            seen.append(statement)

    return seen


def test_repeated_api_calls_with_one_token_read_the_user_once(app, client):
    headers = api_token(client)[1]
    seen = users_reads(app)

    answers = [client.get("/api/v1/cart", headers=headers).status_code for _ in range(3)]

    assert answers == [200, 200, 200]
    assert len(seen) == 1, seen


def test_a_forged_token_is_refused_however_recently_its_user_was_seen(app, client):
    headers = api_token(client)[1]
    assert client.get("/api/v1/cart", headers=headers).status_code == 200

    forged = {"Authorization": headers["Authorization"][:-3] + "abc"}

    assert client.get("/api/v1/cart", headers=forged).status_code == 401
