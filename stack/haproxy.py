"""HAProxy from Debian (`/usr/sbin/haproxy`) in front of the cluster's web instances.

The config is generated (never edited by hand) under the cluster's var dir; why each
line is there is in docs/scaling.md, "The local cluster".
"""

from __future__ import annotations

import csv
import io
import shutil
import socket
from pathlib import Path

from .ports import LOOPBACK

BINARY_CANDIDATES = ("/usr/sbin/haproxy", "haproxy")
# Asked by the balancer every second; /livez asks no other service, so a web instance is
# taken out only when it does not answer itself (docs/operations.md).
HEALTH_PATH = "/livez"
# The response header naming the web instance that answered (tests, the soak, curl -i).
SERVED_BY = "X-Served-By"


def haproxy_binary() -> str | None:
    for candidate in BINARY_CANDIDATES:
        found = shutil.which(candidate)
        if found:
            return found
    return None


def haproxy_config(port: int, servers: list[tuple[str, int]], stats_socket: Path) -> str:
    """The config of a balancer on 127.0.0.1:`port` over `servers` [(name, port)]."""
    lines = [
        "# written by stack/haproxy.py on every start of the cluster; edits are lost",
        "global",
        # Two descriptors a connection: within the 20,000 this box allows a process.
        "    maxconn 5000",
        f"    stats socket {stats_socket} mode 600 level admin",
        "",
        "defaults",
        "    mode http",
        "    option dontlognull",
        "    timeout connect 2s",
        # Longer than the SSE heartbeat (SSE_HEARTBEAT_SECONDS), so a quiet live-stock
        # stream is never cut by the balancer; a stream is an ordinary HTTP response that
        # HAProxy forwards as it comes (it buffers nothing, compresses nothing here).
        "    timeout client 120s",
        "    timeout server 120s",
        # For connections that become tunnels (a WebSocket upgrade): they may stay long.
        "    timeout tunnel 1h",
        "    timeout http-keep-alive 10s",
        "    timeout http-request 10s",
        # A refused connection (a web instance just killed) is tried again on the other
        # instance. A GET or HEAD whose server died before answering (a search in
        # flight on a killed instance) is sent again too: it changes nothing. Any other
        # method that reached a server is never sent twice (a POST may have been
        # processed), so only its connection failures are retried.
        "    retries 3",
        "    option redispatch 1",
        "    retry-on conn-failure empty-response",
        "",
        "frontend store",
        f"    bind {LOOPBACK}:{port}",
        "    default_backend web",
        "",
        "backend web",
        "    balance roundrobin",
        "    http-request disable-l7-retry if !METH_GET !METH_HEAD",
        f"    option httpchk GET {HEALTH_PATH}",
        "    http-check expect status 200",
        # Down after two failed checks a second apart, back after one good one. A killed
        # instance refuses the check at once; one that is only busy (a sibling booting
        # on a loaded box) has 3 s to answer, not the 1 s of `inter`, so both are not
        # taken out at once, leaving the balancer to answer 503 to everyone.
        "    timeout check 3s",
        "    default-server inter 1s fastinter 500ms downinter 1s fall 2 rise 1",
        f"    http-response set-header {SERVED_BY} %[srv_name]",
    ]
    lines += [f"    server {name} {LOOPBACK}:{server_port} check" for name, server_port in servers]
    return "\n".join(lines) + "\n"


def server_stats(stats_socket: Path, timeout: float = 2.0) -> dict[str, dict[str, str]]:
    """`show stat` of the web backend's servers: {name: {"status": "UP", "stot": "12", ...}}."""
    with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as sock:
        sock.settimeout(timeout)
        sock.connect(str(stats_socket))
        sock.sendall(b"show stat\n")
        chunks = []
        while chunk := sock.recv(65536):
            chunks.append(chunk)
    text = b"".join(chunks).decode().lstrip("# ")
    rows = csv.DictReader(io.StringIO(text))
    return {
        row["svname"]: row
        for row in rows
        if row.get("pxname") == "web" and row["svname"] not in ("FRONTEND", "BACKEND")
    }
