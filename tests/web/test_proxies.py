"""TRUSTED_PROXY_COUNT: at 0 (the default) X-Forwarded-For is ignored and the limits count
the socket's peer; behind N proxies ProxyFix believes their headers (web/__init__.py)."""

from __future__ import annotations

from dataclasses import replace

import pytest
from flask import jsonify

from web import create_app
from web.limits import abuse_limits, client_ip

pytestmark = pytest.mark.web


def _app(trusted_proxy_count: int):
    from tests.web.fakes import fake_services, fake_settings

    settings = replace(
        fake_settings(), trusted_proxy_count=trusted_proxy_count, login_limit_per_ip="3 per hour"
    )
    app = create_app(settings, services=fake_services(settings))

    @app.get("/_sign-in-attempt")
    def attempt():
        # The sign-in's own accounting: one wrong password per call, a new email each time
        # (only failures count), so the per-address limit is the one that decides.
        email = f"{client_ip()}-{attempt.calls}@example.com"
        verdict = abuse_limits().login(client_ip(), email)
        if verdict.allowed:
            abuse_limits().login_failed(client_ip(), email)
        attempt.calls += 1
        return jsonify(ip=client_ip(), allowed=verdict.allowed)

    attempt.calls = 0
    return app


def _attempts(app, forwarded_for: list[str]) -> list[tuple[str, bool]]:
    client = app.test_client()
    out = []
    for address in forwarded_for:
        response = client.get(
            "/_sign-in-attempt",
            headers={"X-Forwarded-For": address},
            environ_base={"REMOTE_ADDR": "192.0.2.10"},
        )
        assert response.status_code == 200, response.data
        out.append((response.json["ip"], response.json["allowed"]))
    return out


def test_without_trusted_proxies_a_changed_x_forwarded_for_does_not_escape_the_limit():
    results = _attempts(_app(0), [f"203.0.113.{n}" for n in range(5)])
    assert {ip for ip, _ in results} == {"192.0.2.10"}
    assert [allowed for _, allowed in results] == [True, True, True, False, False]


def test_behind_one_trusted_proxy_the_forwarded_client_is_counted():
    results = _attempts(_app(1), ["203.0.113.7"] * 4 + ["203.0.113.8"])
    assert [ip for ip, _ in results] == ["203.0.113.7"] * 4 + ["203.0.113.8"]
    assert [allowed for _, allowed in results] == [True, True, True, False, True]


def test_gunicorn_keeps_no_control_socket_and_uvicorn_trusts_no_forwarded_header():
    from entrypoints.gunicorn import StoreWorker, gunicorn_args
    from tests.web.fakes import fake_settings

    args = gunicorn_args(fake_settings())
    assert "--no-control-socket" in args
    assert args[args.index("--worker-class") + 1] == "entrypoints.gunicorn.StoreWorker"
    assert StoreWorker.CONFIG_KWARGS["proxy_headers"] is False
