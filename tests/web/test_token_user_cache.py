"""An API client's token is checked against its user once, then remembered for a few
seconds (API_USER_CACHE_SECONDS): repeated calls need no read of the accounts."""

from __future__ import annotations

import pytest

from tests.web.auth_fast import *  # noqa: F403 - app, client, ... on fakes
from tests.web.shoppers import api_token

pytestmark = pytest.mark.web


def account_reads(fake_auth) -> list[int]:
    seen: list[int] = []
    by_id = fake_auth.accounts.by_id

    def counted(user_id: int):
        seen.append(user_id)
        return by_id(user_id)

    fake_auth.accounts.by_id = counted
    return seen


def test_repeated_api_calls_with_one_token_read_the_user_once(fake_auth, client):
    headers = api_token(client)[1]
    seen = account_reads(fake_auth)

    answers = [client.get("/api/v1/cart", headers=headers).status_code for _ in range(3)]

    assert answers == [200, 200, 200]
    assert len(seen) == 1, seen


def test_a_forged_token_is_refused_however_recently_its_user_was_seen(client):
    headers = api_token(client)[1]
    assert client.get("/api/v1/cart", headers=headers).status_code == 200

    forged = {"Authorization": headers["Authorization"][:-3] + "abc"}

    assert client.get("/api/v1/cart", headers=forged).status_code == 401


def test_signing_out_everywhere_tells_the_other_web_processes(fake_auth, client):
    email, headers = api_token(client)
    user = fake_auth.accounts.by_email(email)

    assert client.post("/api/v1/auth/sign-out-everywhere", headers=headers).status_code == 204

    assert fake_auth.revocations.announced == [user.id]


def test_a_revocation_message_makes_this_process_forget_the_user_at_once(app):
    from web.current_user import token_user_memory
    from web.live.asgi import revocations

    channel = revocations(app, app.extensions["shopflow"].settings)
    memory = token_user_memory(app)
    memory.remember(7, "fp7", "ann")
    memory.remember(8, "fp8", "bob")

    channel.on_message(b"not a user")
    assert memory.get(7, "fp7") == "ann"
    channel.on_message(b"7")
    assert memory.get(7, "fp7") is None and memory.get(8, "fp8") == "bob"

    channel.on_reconnect()  # messages may have been missed while the subscription was down
    assert memory.get(8, "fp8") is None


def test_while_the_subscription_is_down_this_process_trusts_no_remembered_token(app):
    from web.current_user import token_user_memory
    from web.live.asgi import revocations

    channel = revocations(app, app.extensions["shopflow"].settings)
    memory = token_user_memory(app)
    memory.remember(7, "fp7", "ann")

    channel.on_lost()  # a revocation announced now would not be heard
    memory.remember(8, "fp8", "bob")
    assert memory.get(7, "fp7") is None and memory.get(8, "fp8") is None

    channel.on_reconnect()
    memory.remember(8, "fp8", "bob")
    assert memory.get(8, "fp8") == "bob"
