"""The worker's metrics runtime: served on the address given, off when it is empty, and a
taken address costs the metrics, never the worker."""

from __future__ import annotations

import socket
from dataclasses import replace

import pytest
import urllib3

from entrypoints.telemetry import configure_tracing, worker_runtime
from settings import Settings

pytestmark = pytest.mark.unit


def test_the_runtime_serves_prometheus_text_on_the_address():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    runtime = worker_runtime(replace(Settings(), worker_metrics_address=f"127.0.0.1:{port}"))
    assert runtime is not None
    answer = urllib3.request("GET", f"http://127.0.0.1:{port}/metrics", timeout=5)
    assert answer.status == 200


def test_no_address_no_runtime():
    assert worker_runtime(replace(Settings(), worker_metrics_address="")) is None


def test_a_taken_address_is_a_warning_not_a_crash(caplog):
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        address = f"127.0.0.1:{taken.getsockname()[1]}"
        assert worker_runtime(replace(Settings(), worker_metrics_address=address)) is None
    assert "worker metrics off" in caplog.text and address in caplog.text


def test_traces_stay_off_without_an_otlp_endpoint():
    assert configure_tracing(Settings(), "shopflow-test") is None
