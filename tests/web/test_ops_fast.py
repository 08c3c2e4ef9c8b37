"""/livez, /metrics access and the request id, on the app over fakes (no stack)."""

from __future__ import annotations

import re

import pytest

pytestmark = pytest.mark.web


def sample(text: str, name: str, **labels: str) -> float:
    """The value of one series in a Prometheus exposition, 0 when absent."""
    want = ",".join(f'{k}="{v}"' for k, v in sorted(labels.items()))
    for line in text.splitlines():
        if line.startswith("#"):
            continue
        series, _, value = line.rpartition(" ")
        found_name, _, found_labels = series.partition("{")
        if found_name != name:
            continue
        got = ",".join(sorted(found_labels.rstrip("}").split(","))) if found_labels else ""
        if got == want:
            return float(value)
    return 0.0


def test_livez_answers_without_asking_any_service(fast_client):
    answer = fast_client.get("/livez")
    assert answer.status_code == 200
    assert answer.get_json()["status"] == "alive"
    assert answer.headers["Cache-Control"] == "no-store"


def test_metrics_are_served_to_loopback_only(fast_client):
    assert fast_client.get("/metrics").status_code == 200  # the test client is 127.0.0.1
    outsider = fast_client.get("/metrics", environ_base={"REMOTE_ADDR": "203.0.113.9"})
    assert outsider.status_code == 404


def test_metrics_count_requests_by_route_never_by_raw_path(fast_client):
    route = {"route": "/livez", "method": "GET", "status": "200"}
    before = sample(fast_client.get("/metrics").text, "shopflow_http_requests_total", **route)
    for _ in range(3):
        fast_client.get("/livez")
    fast_client.get("/no-such-page-4711")
    text = fast_client.get("/metrics").text
    assert sample(text, "shopflow_http_requests_total", **route) == before + 3
    assert "no-such-page-4711" not in text
    assert sample(
        text, "shopflow_http_requests_total", route="<unmatched>", method="GET", status="404"
    )
    assert sample(
        text, "shopflow_http_request_duration_seconds_count", route="/livez", method="GET"
    )


def test_a_request_gets_an_id_in_its_answer_and_a_sane_incoming_one_is_kept(fast_client):
    made = fast_client.get("/livez").headers["X-Request-ID"]
    assert re.fullmatch(r"[0-9a-f]{32}", made)
    kept = fast_client.get("/livez", headers={"X-Request-ID": "lb-1234abcd"})
    assert kept.headers["X-Request-ID"] == "lb-1234abcd"


@pytest.mark.parametrize(
    "hostile", ["x forged log line", "a" * 500, "short", "<script>", 'id"quoted"']
)
def test_an_insane_incoming_request_id_is_replaced(fast_client, hostile):
    answer = fast_client.get("/livez", headers={"X-Request-ID": hostile})
    assert re.fullmatch(r"[0-9a-f]{32}", answer.headers["X-Request-ID"])
