"""A token ended on one web process is refused by every other within a second.

Each web process remembers for a while whom a token belongs to (web/recent_users.py);
the process that revokes tells the others through Redis (db/redis/revocations.py) on
the subscription each already holds. Here two servers, each with its own app and
memory as two gunicorn workers would have, share the store; the memory is set long
(60 s), so only the message can end the token in time."""

from __future__ import annotations

import time
from dataclasses import replace

import httpx
import pytest

from tests.live_server import ServerThread
from tests.web.shoppers import PASSWORD, new_email

pytestmark = [pytest.mark.web, pytest.mark.integration]


@pytest.fixture
def two_web_processes(web_settings):
    settings = replace(web_settings, api_user_cache_seconds=60)
    servers = [ServerThread(settings), ServerThread(settings)]
    yield servers
    for server in servers:
        server.stop()


def _token(http: httpx.Client, base: str) -> dict[str, str]:
    email = new_email("revoke")
    registered = http.post(
        f"{base}/api/v1/auth/register", json={"email": email, "password": PASSWORD}
    )
    assert registered.status_code == 201, registered.text
    issued = http.post(f"{base}/api/v1/auth/token", json={"email": email, "password": PASSWORD})
    assert issued.status_code == 200, issued.text
    return {"Authorization": f"Bearer {issued.json()['token']}"}


def test_a_token_signed_out_everywhere_on_one_process_is_refused_by_the_other_within_a_second(
    two_web_processes,
):
    one, other = two_web_processes
    with httpx.Client(timeout=30) as http:
        headers = _token(http, one.url)
        assert (
            http.get(f"{other.url}/api/v1/cart", headers=headers).status_code == 200
        )  # remembered

        ended = http.post(f"{one.url}/api/v1/auth/sign-out-everywhere", headers=headers)
        assert ended.status_code == 204, ended.text
        started = time.monotonic()
        while http.get(f"{other.url}/api/v1/cart", headers=headers).status_code == 200:
            assert time.monotonic() - started < 1.0, "the other process still accepts the token"
            time.sleep(0.02)
        refused_after = time.monotonic() - started

    assert refused_after < 1.0
