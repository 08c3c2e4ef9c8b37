"""/livez, /readyz and /metrics: what an orchestrator and Prometheus ask a web process.

None of them touches a session, a template or a rate limit; they are GETs, so CSRF
never applies. /metrics answers only the networks in METRICS_ALLOWED_NETWORKS
(loopback by default): its series name routes and volumes a shopper has no need to see.
"""

from __future__ import annotations

import ipaddress
import time

from flask import Blueprint, Response, abort, current_app, jsonify, request

from db.postgres.operations import stock_relay_lag, waiting_room_depths
from web.metrics import StoreStateCollector, exposition
from web.ops.probes import service_probes
from web.ops.use_cases import check_readiness
from web.services import services

bp = Blueprint("ops", __name__)

_STARTED = time.time()
_PROBES_KEY = "shopflow.ops.probes"
_STATE_KEY = "shopflow.ops.state"


@bp.get("/livez")
def livez() -> Response:
    # Alive means this process answers; it asks no other service (that is /readyz).
    return _no_store(jsonify(status="alive", uptimeSeconds=round(time.time() - _STARTED, 1)))


@bp.get("/readyz")
def readyz() -> Response:
    settings = services().settings
    readiness = check_readiness(_probes(), settings.readiness_timeout_seconds)
    body = {"status": "ready" if readiness.ready else "unavailable", "checks": readiness.checks}
    if not readiness.ready:
        body["down"] = readiness.down
    return _no_store(jsonify(body)), 200 if readiness.ready else 503


@bp.get("/metrics")
def metrics() -> Response:
    settings = services().settings
    if not _allowed(request.remote_addr, settings.metrics_allowed_networks):
        abort(404)  # not a page that exists for this client
    multiproc = str(settings.prometheus_multiproc_dir or "") or None
    payload, content_type = exposition(multiproc, _state())
    return _no_store(Response(payload, content_type=content_type))


def _allowed(address: str | None, networks: tuple[str, ...]) -> bool:
    try:
        peer = ipaddress.ip_address(address or "")
    except ValueError:
        return False
    return any(peer in ipaddress.ip_network(net, strict=False) for net in networks)


def _probes():
    probes = current_app.extensions.get(_PROBES_KEY)
    if probes is None:
        probes = current_app.extensions[_PROBES_KEY] = service_probes(services())
    return probes


def _state() -> StoreStateCollector:
    state = current_app.extensions.get(_STATE_KEY)
    if state is None:
        svc = services()
        state = current_app.extensions[_STATE_KEY] = StoreStateCollector(
            waiting_room_depths=lambda: waiting_room_depths(svc.sessions, svc.redis),
            stock_relay_lag=lambda: stock_relay_lag(svc.engine),
        )
    return state


def _no_store(response: Response) -> Response:
    response.headers["Cache-Control"] = "no-store"
    return response
