"""The operations surface of real processes: gunicorn with two workers adding up one
/metrics and logging JSON lines in production, and `shopflow worker` serving the
Temporal SDK's metrics and the checkout outcomes on WORKER_METRICS_ADDRESS."""

from __future__ import annotations

import json
import os
import secrets
import signal
import subprocess
import time
from dataclasses import replace

import pytest
import urllib3

from entrypoints.gunicorn import gunicorn_args, gunicorn_env, metrics_dir, venv_bin
from settings import PROJECT_ROOT
from stack.ports import free_port
from tests.web.checkout_calls import begin, op
from tests.web.test_ops_fast import sample

pytest_plugins = ["tests.web.checkout_fixtures"]

pytestmark = [pytest.mark.web, pytest.mark.integration]

http = urllib3.PoolManager(retries=False)


def get(url: str, retries: int = 0, **headers: str) -> urllib3.BaseHTTPResponse:
    return http.request(
        "GET", url, headers=headers, timeout=urllib3.Timeout(total=10), retries=retries
    )


def wait_until_up(url: str, proc: subprocess.Popen, timeout: float = 60.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        assert proc.poll() is None, f"exited with {proc.returncode}"
        try:
            if get(url).status == 200:
                return
        except urllib3.exceptions.HTTPError:
            pass
        time.sleep(0.2)
    raise AssertionError(f"{url} did not answer within {timeout:.0f}s")


def stop(proc: subprocess.Popen) -> str:
    proc.send_signal(signal.SIGTERM)
    try:
        out, err = proc.communicate(timeout=20)
    except subprocess.TimeoutExpired:
        proc.kill()
        out, err = proc.communicate()
    return (out or "") + (err or "")


def test_two_gunicorn_workers_add_up_in_one_metrics_page_and_log_json(web_settings, tmp_path):
    settings = replace(
        web_settings,
        environment="production",
        secret_key=secrets.token_urlsafe(48),
        payload_encryption_keys=(secrets.token_urlsafe(48),),
        port=free_port(),
        web_workers=2,
        var_dir=tmp_path,
    )
    stale = metrics_dir(settings) / "counter_99999.db"
    stale.parent.mkdir(parents=True)
    stale.write_bytes(b"left by an earlier run")
    env = gunicorn_env(settings) | {"WEB_WORKERS": "2"}
    args = gunicorn_args(settings)
    base = f"http://{settings.host}:{settings.port}"
    proc = subprocess.Popen(
        args,
        env=env,
        cwd=PROJECT_ROOT,
        stderr=subprocess.PIPE,
        stdout=subprocess.DEVNULL,
        text=True,
    )
    try:
        wait_until_up(base + "/livez", proc)
        assert not stale.exists()  # on_starting emptied the directory
        for _ in range(20):
            assert get(base + "/livez", Connection="close").status == 200
        # The worker that counted them dies; its counts stay, and the others go on.
        first = sorted(metrics_dir(settings).glob("counter_*.db"))[0]
        os.kill(int(first.stem.split("_")[1]), signal.SIGKILL)
        for _ in range(20):  # a retry: one may meet the worker just killed
            assert get(base + "/livez", retries=2, Connection="close").status == 200
        assert get(base + "/readyz").status == 200
        scraped = get(base + "/metrics").data.decode()
        served = get(base + "/livez", **{"X-Request-ID": "probe-0001-abcd"})
        assert served.headers["X-Request-ID"] == "probe-0001-abcd"
        # A reset link's token is in its path: the access line names the route instead.
        get(base + "/password-reset/reset-token-not-for-logs?query=private-words")
    finally:
        err = stop(proc)

    route = {"route": "/livez", "method": "GET", "status": "200"}
    assert sample(scraped, "shopflow_http_requests_total", **route) >= 41
    pids = {p.name for p in metrics_dir(settings).glob("counter_*.db")}
    assert len(pids) >= 2, pids  # the dead worker's file and a live one's
    events = [json.loads(line) for line in err.splitlines() if line.startswith("{")]
    ours = [e for e in events if e.get("request_id") == "probe-0001-abcd"]
    assert ours and {"timestamp", "level", "logger", "message", "trace_id"} <= set(ours[0])
    assert not [line for line in err.splitlines() if line.strip() and not line.startswith("{")]
    assert "reset-token-not-for-logs" not in err and "private-words" not in err
    assert [e for e in events if e.get("route") == "/password-reset/<token>"]


def test_the_worker_serves_sdk_metrics_and_checkout_outcomes(
    checkout_db, make_app, stock_item, tmp_path
):
    from tests.web.checkout_calls import register_api_shopper

    address = f"127.0.0.1:{free_port()}"
    settings = replace(checkout_db, task_queue=checkout_db.task_queue + "-metered")
    env = settings.child_env() | {"WORKER_METRICS_ADDRESS": address}
    proc = subprocess.Popen(
        [venv_bin("shopflow"), "worker", "--threads", "4"],
        env=env,
        cwd=tmp_path,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        wait_until_up(f"http://{address}/metrics", proc)
        shop = make_app(settings).test_client()
        shopper = register_api_shopper(shop, {stock_item(2): 1})
        begun = begin(shop, shopper)
        assert begun.status_code == 201, begun.get_json()
        cancelled = op(shop, shopper, "CANCEL", begun.get_json()["checkoutID"])
        assert cancelled.status_code == 200, cancelled.get_json()
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            scraped = get(f"http://{address}/metrics").data.decode()
            if "cancelled" in scraped:
                break
            time.sleep(0.5)
    finally:
        out = stop(proc)
    assert f"Worker metrics: http://{address}/metrics" in out
    assert "temporal_" in scraped  # the SDK's own (task slots, latencies, ...)
    outcomes = [line for line in scraped.splitlines() if "shopflow_checkout_outcomes" in line]
    assert any('outcome="begun"' in line for line in outcomes), scraped[-3000:]
    assert any('outcome="cancelled"' in line for line in outcomes), outcomes
