"""`Idempotency-Key` for the API calls that create something (checkout BEGIN and SUBMIT).

A client that lost an answer repeats the call with the same key: it gets the stored
answer again, byte for byte, and nothing happens twice. The same key with a different
body is a client bug and gets a 422. Answers live in Redis for a day, scoped to the
shopper and the operation, so one shopper's key can never replay another's answer.

    return idempotent(f"{user.id}:BEGIN", lambda: begin(user))

Two requests with one key at once: the first claims the key (SET NX), the second
waits for its answer. Only decided answers are stored (2xx, 402, 404, 409); a
malformed request (400/422) or a failure (5xx) frees the key so a corrected or later
retry runs for real. If Redis is down the call simply runs: BEGIN and SUBMIT are
idempotent by themselves (one checkout per shopper, one order per checkout), the
key only adds the replayed answer.
"""

from __future__ import annotations

import hashlib
import json
import logging
import time
from collections.abc import Callable

import redis
from flask import Response, request

from web import input_guard
from web.headers import PRIVATE
from web.json_io import api_error
from web.services import services

log = logging.getLogger(__name__)

HEADER = "Idempotency-Key"
MAX_KEY_LENGTH = 255
TTL_SECONDS = 86_400
# A claim outlives any request (the slowest checkout call gives up after a minute).
CLAIM_SECONDS = 120
WAIT_SECONDS = 30.0
POLL_SECONDS = 0.05
STORED_ERRORS = frozenset({402, 404, 409})


def idempotent(scope: str, produce: Callable[[], Response]) -> Response:
    key = request.headers.get(HEADER)
    if key is None:
        return produce()
    key = key.strip()
    if not key or len(key) > MAX_KEY_LENGTH or not key.isprintable():
        return api_error(
            400, "bad_request", f"{HEADER} must be 1 to {MAX_KEY_LENGTH} printable characters."
        )
    store = services().redis
    slot = "idem:" + hashlib.sha256(f"{scope}\n{key}".encode()).hexdigest()
    fingerprint = _fingerprint()
    try:
        earlier = _claim_or_earlier_answer(store, slot, fingerprint)
    except redis.RedisError as error:
        log.warning("idempotency store unavailable, running the call anyway: %s", error)
        return produce()
    if earlier is not None:
        return earlier
    try:
        response = produce()
    except BaseException:
        _forget(store, slot)
        raise
    if _storable(response.status_code):
        _store(store, slot, fingerprint, response)
    else:
        _forget(store, slot)
    return response


def _claim_or_earlier_answer(store: redis.Redis, slot: str, fingerprint: str) -> Response | None:
    """None once this request holds the key; else the answer it must give instead."""
    deadline = time.monotonic() + WAIT_SECONDS
    while True:
        if store.set(slot, json.dumps({"fp": fingerprint}), nx=True, ex=CLAIM_SECONDS):
            return None
        raw = store.get(slot)
        if raw is None:  # the holder failed and freed the key a moment ago: claim it
            continue
        record = input_guard.loads(raw)
        if record["fp"] != fingerprint:
            return api_error(
                422,
                "idempotency_key_reused",
                f"This {HEADER} was already used with a different request body. "
                "Use a new key for a new request.",
            )
        if "status" in record:
            response = Response(
                record["body"], status=record["status"], content_type=record["type"]
            )
            response.headers["Cache-Control"] = PRIVATE
            response.headers["Idempotent-Replayed"] = "true"
            return response
        if time.monotonic() >= deadline:
            return api_error(
                409,
                "idempotency_in_progress",
                f"A request with this {HEADER} is still being processed; retry shortly.",
            )
        time.sleep(POLL_SECONDS)


def _fingerprint() -> str:
    """The request as the key promises it: method, path, operation and body (JSON-normalised)."""
    body = request.get_data(cache=True)
    try:
        parsed = input_guard.loads(body)  # depth-limited: the view refuses a deep body with a 400
        canonical = json.dumps(parsed, sort_keys=True, separators=(",", ":")).encode()
    except ValueError:
        canonical = body
    digest = hashlib.sha256()
    for part in (request.method.encode(), request.path.encode(), request.query_string, canonical):
        digest.update(part + b"\0")
    return digest.hexdigest()


def _storable(status: int) -> bool:
    # 202 is a place in a waiting room's line, not a decided answer: the same BEGIN
    # must reach the waiting room again once the shopper is admitted.
    return (200 <= status < 300 and status != 202) or status in STORED_ERRORS


def _store(store: redis.Redis, slot: str, fingerprint: str, response: Response) -> None:
    record = {
        "fp": fingerprint,
        "status": response.status_code,
        "type": response.content_type,
        "body": response.get_data(as_text=True),
    }
    try:
        store.set(slot, json.dumps(record), ex=TTL_SECONDS)
    except redis.RedisError as error:
        log.warning("could not store an idempotent answer: %s", error)


def _forget(store: redis.Redis, slot: str) -> None:
    try:
        store.delete(slot)
    except redis.RedisError as error:
        log.warning("could not free an idempotency key: %s", error)
