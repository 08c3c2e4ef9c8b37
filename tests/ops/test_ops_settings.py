"""The operations settings as read from the environment."""

from __future__ import annotations

import pytest

from settings import Settings

pytestmark = pytest.mark.unit


def test_defaults_keep_metrics_on_loopback_and_traces_off():
    settings = Settings.from_env({})
    assert settings.metrics_allowed_networks == ("127.0.0.0/8", "::1/128")
    assert settings.worker_metrics_address == "127.0.0.1:9464"
    assert settings.otlp_traces_endpoint is None
    assert settings.prometheus_multiproc_dir is None


def test_a_bad_network_is_refused_by_name():
    with pytest.raises(ValueError, match="METRICS_ALLOWED_NETWORKS.*'10.0.0.300/8'"):
        Settings.from_env({"METRICS_ALLOWED_NETWORKS": "10.0.0.0/8, 10.0.0.300/8"})


def test_traces_follow_the_standard_otlp_variables():
    endpoint = {"OTEL_EXPORTER_OTLP_ENDPOINT": "http://collector:4318"}
    assert Settings.from_env(endpoint).otlp_traces_endpoint == "http://collector:4318"
    traces_only = {"OTEL_EXPORTER_OTLP_TRACES_ENDPOINT": "http://c:4318/v1/traces"}
    assert Settings.from_env(traces_only).otlp_traces_endpoint == "http://c:4318/v1/traces"
    disabled = endpoint | {"OTEL_SDK_DISABLED": "true"}
    assert Settings.from_env(disabled).otlp_traces_endpoint is None


def test_an_empty_worker_metrics_address_turns_the_endpoint_off():
    assert Settings.from_env({"WORKER_METRICS_ADDRESS": ""}).worker_metrics_address == ""
