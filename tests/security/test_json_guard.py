"""The JSON guard costs time linear in the body, API bodies are capped, and JSON only.

A body of escaped quotes used to cost the depth guard the square of its length (16 KB:
0.93 s, 1 MB: about an hour) while it blocked its worker; the API also parsed text/plain
bodies, which any web page can make a browser send.
"""

from __future__ import annotations

import contextlib
import gc
import socket
import threading
import time

import pytest
from werkzeug.serving import make_server

from web import input_guard

pytestmark = pytest.mark.unit

MB = 1024 * 1024
HOSTILE = {
    "escaped quotes": '"' + '\\"' * (MB // 2) + '"',
    "quotes": '"' * MB,
    "open brackets": "[" * MB,
    "brackets": "[" * (MB // 2) + "]" * (MB // 2),
    "backslashes": "\\" * MB,
}
TOKEN = "/api/v1/auth/token"


@pytest.mark.parametrize("body", HOSTILE.values(), ids=HOSTILE.keys())
def test_the_depth_guard_reads_a_megabyte_of_hostile_json_in_linear_time(body):
    started = time.perf_counter()
    with contextlib.suppress(ValueError):  # a string, or refused: either way, at once
        input_guard.loads(body)
    assert time.perf_counter() - started < 0.05


def test_the_depth_guard_still_refuses_deep_json_and_reads_shallow_json():
    assert input_guard.loads('{"a": [[{"b": "[[[["}]], "c": "\\"]]]"}') == {
        "a": [[{"b": "[[[["}]],
        "c": '"]]]',
    }
    assert input_guard.loads("[" * 32 + "]" * 32)
    with pytest.raises(input_guard.TooDeep):
        input_guard.loads("[" * 33 + "]" * 33)
    with pytest.raises(input_guard.TooDeep):
        input_guard.loads('{"a":' * 40 + "1" + "}" * 40)


@pytest.mark.parametrize("body", HOSTILE.values(), ids=HOSTILE.keys())
def test_a_megabyte_json_body_is_a_413_within_50_ms(fast_client, body):
    gc.collect()  # a full collection of earlier tests' garbage is not the guard's time
    started = time.perf_counter()
    response = fast_client.post(TOKEN, data=body, content_type="application/json")
    elapsed = time.perf_counter() - started
    assert response.status_code == 413, response.data[:200]
    assert response.get_json()["error"]["code"] == "request_entity_too_large"
    assert elapsed < 0.05


def test_a_body_over_64_kb_is_a_413_but_the_forms_keep_their_limit(fast_client):
    body = '{"email": "' + "a" * (64 * 1024) + '", "password": "x"}'
    assert fast_client.post(TOKEN, data=body, content_type="application/json").status_code == 413


def test_a_small_escaped_quote_body_is_a_quick_400(fast_client):
    body = '"' + '\\"' * 30_000 + '"'  # under 64 KB, parsed: a string, not an object
    started = time.perf_counter()
    response = fast_client.post(TOKEN, data=body, content_type="application/json")
    assert response.status_code == 400
    assert time.perf_counter() - started < 0.05


@pytest.mark.parametrize(
    "content_type",
    ["text/plain", "application/x-www-form-urlencoded", "multipart/form-data; boundary=x", None],
)
def test_the_json_api_refuses_other_content_types_with_a_415(fast_client, content_type):
    body = '{"email": "a@example.com", "password": "correct horse"}'
    headers = {"Content-Type": content_type} if content_type else {}
    response = fast_client.post(TOKEN, data=body, headers=headers)
    assert response.status_code == 415, response.data[:200]
    assert "application/json" in response.get_json()["error"]["message"]


def test_json_with_a_charset_is_json(fast_client):
    response = fast_client.post(
        TOKEN, data="[1]", headers={"Content-Type": "application/json; charset=utf-8"}
    )
    assert response.status_code == 400  # read, and refused for not being an object


def _post_raw(port: int, body: bytes) -> None:
    with socket.create_connection(("127.0.0.1", port), timeout=30) as conn:
        head = (
            f"POST {TOKEN} HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
            f"Content-Length: {len(body)}\r\n\r\n"
        )
        try:
            conn.sendall(head.encode() + body)
            conn.recv(1024)
        except OSError:
            pass


@pytest.mark.parametrize(
    "body",
    [b'"' + b'\\"' * 30_000, b"[" * 60_000, HOSTILE["escaped quotes"].encode()],
    ids=["60 KB of escaped quotes", "60 KB of brackets", "1 MB of escaped quotes"],
)
def test_a_request_beside_hostile_bodies_is_not_slowed(fast_app, body):
    server = make_server("127.0.0.1", 0, fast_app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, args=(0.01,), daemon=True)
    thread.start()
    try:
        stop = threading.Event()

        def attack() -> None:
            while not stop.is_set():
                _post_raw(server.port, body)

        attackers = [threading.Thread(target=attack, daemon=True) for _ in range(4)]
        for attacker in attackers:
            attacker.start()
        time.sleep(0.2)
        slowest = 0.0
        for _ in range(10):
            started = time.perf_counter()
            with socket.create_connection(("127.0.0.1", server.port), timeout=5) as conn:
                conn.sendall(b"GET /api/v1/openapi.json HTTP/1.1\r\nHost: x\r\n\r\n")
                assert conn.recv(64).startswith(b"HTTP/1.1 200")
            slowest = max(slowest, time.perf_counter() - started)
        stop.set()
        for attacker in attackers:
            attacker.join(timeout=10)
    finally:
        server.shutdown()
    assert slowest < 0.5, f"a plain request took {slowest:.2f} s beside the attack"
