"""The local cluster: every engine and store process more than once, on one machine.

    cluster = Cluster(var_dir, settings).start()     # free loopback ports
    httpx.get(cluster.balancer_url + "/livez")       # through HAProxy
    cluster.kill("web-1"); cluster.restart("web-1")
    cluster.stop()

Everything lives under `<var_dir>/cluster/` (data, logs, pid files, haproxy.cfg), apart
from the single stack's `var/`. The topology, its ports and why each process is there
are in docs/scaling.md, "The local cluster". `shopflow stack up --cluster` runs it in the
foreground with a supervisor (stack/cluster_run.py).
"""

from __future__ import annotations

import time
from dataclasses import replace
from pathlib import Path

from settings import Settings

from . import process
from .cluster_nodes import (
    NodeStatus,
    ProcessNode,
    RedisNode,
    ServiceNode,
    TypesenseClusterNode,
    start_all,
)
from .cluster_ports import ClusterPorts
from .cluster_state import STATE_FILE, stop_leftovers, write_state
from .errors import StackError
from .haproxy import HEALTH_PATH, haproxy_binary, haproxy_config
from .mail_server import MailServer
from .ports import LOOPBACK, port_open
from .postgres import Postgres
from .redis_sentinel import MASTER_NAME, SentinelGroup
from .secrets import secure_var_dir, with_embedded_credentials, with_generated_secrets
from .service import _venv_bin
from .temporal_server import Temporal
from .typesense_cluster import TypesenseCluster

# Worker roles: each runs as two processes (docs/scaling.md, "Task queues").
WORKER_ROLES = {"checkout": "checkout,catalog", "fulfilment": "fulfilment"}
RELAYS = 2
# The relay's advisory lock (db/redis/stock_relay.py): who holds it is the active relay.
_ACTIVE_RELAY = """
SELECT a.application_name FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid
WHERE l.locktype = 'advisory' AND l.granted AND l.objid = %s
"""
# Names that stand for whichever node holds a role now.
ROLE_NAMES = ("redis-primary", "redis-replica", "typesense-leader")


class Cluster:
    def __init__(self, var_dir: Path, settings: Settings, *, fixed_ports: bool = False) -> None:
        self.var_dir = Path(var_dir)
        self.root = (self.var_dir / "cluster").resolve()
        secure_var_dir(self.root)
        self.ports = ClusterPorts.fixed(settings) if fixed_ports else ClusterPorts.free()
        ports = self.ports
        self.balancer_url = f"http://{LOOPBACK}:{ports.balancer}"
        # Every server is embedded: URLs the environment may set are not ours to use here.
        base = replace(
            settings,
            var_dir=self.root,
            database_url=None,
            redis_url=None,
            typesense_url=None,
            temporal_address=None,
            smtp_url=None,
            redis_sentinels=(),
            typesense_nodes=(),
            port=ports.balancer,
            redis_port=ports.redis[0],
            typesense_port=ports.typesense[0],
            typesense_peering_port=ports.typesense_peering[0],
            temporal_port=ports.temporal,
            temporal_ui_port=ports.temporal_ui,
            smtp_port=ports.smtp,
        )
        base = with_generated_secrets(with_embedded_credentials(base))
        self._server_settings = base
        self.log_dir = self.root / "logs"
        self.run_dir = self.root / "run"

        postgres, temporal, mail = Postgres(base), Temporal(base), MailServer(base)
        self.redis = SentinelGroup(
            self.root / "redis",
            base.redis_password or "",
            ports={
                "primary": ports.redis[0],
                "replica": ports.redis[1],
                **{f"sentinel-{n + 1}": port for n, port in enumerate(ports.sentinels)},
            },
        )
        self._servers: list = [
            ServiceNode("postgres", "postgres-primary", postgres, None),
            ServiceNode("temporal", "temporal", temporal, ports.temporal),
            ServiceNode("mail", "mail", mail, ports.smtp),
        ]
        self._typesense = self._typesense_nodes(base)
        sentinels = tuple(f"{LOOPBACK}:{port}" for port in ports.sentinels)
        # What the store processes use: the Sentinels for Redis, every Typesense node.
        self.settings = replace(
            base.with_services(
                database_url=postgres.url(),
                redis_url=(f"redis://:{base.redis_password}@{LOOPBACK}:{ports.redis[0]}/0"),
                typesense_url=self.typesense.nodes[0].url(),
                typesense_api_key=base.typesense_api_key_or_default,
                temporal_address=temporal.url(),
                smtp_url=mail.url(),
            ),
            redis_sentinels=sentinels,
            redis_sentinel_master=MASTER_NAME,
            # Every node: searches fail over, index writes go through any (docs/scaling.md).
            typesense_nodes=tuple(self.typesense.node_list().split(",")),
            # Links in emails name the balancer, not the instance that sent them.
            public_url=settings.public_url or self.balancer_url,
        )
        self._redis_nodes = [
            RedisNode("redis-1", self.redis, "primary"),
            RedisNode("redis-2", self.redis, "replica"),
            *(RedisNode(f"sentinel-{n}", self.redis, f"sentinel-{n}") for n in (1, 2, 3)),
        ]
        self._store = self._store_nodes()
        self.balancer = self._balancer_node()
        self._killed_as: dict[str, str] = {}

    # -- the nodes -----------------------------------------------------------------------
    def _typesense_nodes(self, base: Settings) -> list[TypesenseClusterNode]:
        self.typesense = TypesenseCluster(
            self.root / "typesense",
            base.typesense_api_key_or_default,
            nodes=len(self.ports.typesense),
            ports=list(zip(self.ports.typesense, self.ports.typesense_peering, strict=True)),
        )
        return [TypesenseClusterNode(node.name, self.typesense) for node in self.typesense.nodes]

    def _store_nodes(self) -> list[ProcessNode]:
        shopflow = _venv_bin("shopflow") or "shopflow"
        nodes: list[ProcessNode] = []
        for number, port in enumerate(self.ports.web, start=1):
            # One gunicorn worker each: the second instance is the second process.
            web = replace(self.settings, port=port, web_workers=1)
            nodes.append(
                ProcessNode(
                    f"web-{number}",
                    "web",
                    port,
                    [shopflow, "web"],
                    web.child_env(),
                    self.log_dir,
                    ready=_answers(port),
                )  # fmt: skip
            )
        metrics = iter(self.ports.worker_metrics)
        for role, queues in WORKER_ROLES.items():
            for number in (1, 2):
                port = next(metrics)
                env = replace(
                    self.settings, worker_metrics_address=f"{LOOPBACK}:{port}"
                ).child_env()
                nodes.append(
                    ProcessNode(
                        f"worker-{role}-{number}",
                        f"worker-{role}",
                        port,
                        [shopflow, "worker", "--queues", queues],
                        env,
                        self.log_dir,
                        ready=_logged("Worker polling"),
                    )  # fmt: skip
                )
        for number in range(1, RELAYS + 1):
            env = self.settings.child_env()
            # Its connections carry its name, so active_relay() finds the lock's holder.
            env["PGAPPNAME"] = f"relay-{number}"
            nodes.append(
                ProcessNode(
                    f"relay-{number}",
                    "stock-relay",
                    None,
                    [shopflow, "stock-relay"],
                    env,
                    self.log_dir,
                )  # fmt: skip
            )
        return nodes

    def _balancer_node(self) -> ProcessNode:
        binary = haproxy_binary()
        if binary is None:
            raise StackError("no haproxy (apt-get install haproxy)")
        self.haproxy_config_path = self.root / "haproxy.cfg"
        self.stats_socket = self.run_dir / "haproxy.sock"
        argv = [binary, "-f", str(self.haproxy_config_path)]
        return ProcessNode(
            "balancer", "haproxy", self.ports.balancer, argv, self.settings.child_env(),
            self.log_dir, ready=_answers(self.ports.balancer),
        )  # fmt: skip

    def _all(self) -> list:
        return [
            *self._servers[:1],
            *self._redis_nodes,
            *self._typesense,
            *self._servers[1:],
            *self._store,
            self.balancer,
        ]

    def resolve(self, name: str) -> str:
        """The live node a role name ("redis-primary", "typesense-leader") stands for now;
        any other name is itself."""
        if name not in ROLE_NAMES:
            return name
        for node in [*self._redis_nodes, *self._typesense]:
            if node.alive() and node.role == name:
                return node.name
        raise StackError(f"no live node is {name} now")

    def _node(self, name: str):
        for node in self._all():
            if node.name == name:
                return node
        raise KeyError(f"no node {name!r}; nodes: {', '.join(n.name for n in self._all())}")

    # -- life ------------------------------------------------------------------------------
    def start(self) -> Cluster:
        """Start everything; returns once the balancer answers 200 on the health path."""
        for directory in (self.log_dir, self.run_dir):
            directory.mkdir(parents=True, exist_ok=True)
        stop_leftovers(self.var_dir)  # of a cluster here whose own process died
        try:
            start_all(
                [
                    *(node.start for node in self._servers),
                    self.typesense.start,
                    self.redis.start,
                ],
                "servers",
            )
            from db.postgres.migrate import upgrade

            upgrade(self.settings.database_url)
            for node in self._store:
                node.start()
            start_all([lambda n=node: n.wait_ready(180) for node in self._store], "store")
            servers = [(n.name, n.port) for n in self._store if n.role == "web"]
            self.haproxy_config_path.write_text(
                haproxy_config(self.ports.balancer, servers, self.stats_socket)
            )
            self.balancer.start()
            self.balancer.wait_ready(60)
            _wait_for_200(self.balancer_url + HEALTH_PATH, 60)
        except BaseException:
            self.stop()
            raise
        self.write_state()
        return self

    def stop(self) -> None:
        """Store processes first (SIGTERM, their grace, then SIGKILL), then the servers."""
        start_all([node.stop for node in [self.balancer, *self._store]], "stop store")
        start_all([self.typesense.stop, *(node.stop for node in self._servers)], "stop servers")
        self.redis.stop()
        process.remove_file(self.run_dir / STATE_FILE)

    # -- faults ----------------------------------------------------------------------------
    def kill(self, name: str) -> int:
        """SIGKILL the node's own pid (with its process group: a gunicorn master's workers,
        PostgreSQL's backends); returns that pid. A role name ("redis-primary",
        "typesense-leader") kills whichever node holds the role now (`resolve`)."""
        node = self.resolve(name)
        pid = self._node(node).kill()
        if name in ROLE_NAMES:
            self._killed_as[name] = node
        self.write_state()
        return pid

    def restart(self, name: str) -> int:
        """Start a killed node again (a no-op for a live one); returns its pid. A role
        name restarts the node last killed under it."""
        killed = self._killed_as.get(name)  # "redis-primary": the node killed under that name
        node = killed if killed is not None else self.resolve(name)
        pid = self._node(node).restart()
        self._killed_as.pop(name, None)
        self.write_state()
        return pid

    # -- looking -----------------------------------------------------------------------------
    def node_alive(self, name: str) -> bool:
        return self._node(name).alive()

    def nodes(self) -> list[NodeStatus]:
        return [
            NodeStatus(n.name, n.role, n.pid, n.port, "up" if n.alive() else "down")
            for n in self._all()
        ]

    def write_state(self) -> None:
        """What `shopflow stack status` and `stack env` read (stack/cluster_state.py)."""
        write_state(self.run_dir, self.nodes(), self.settings)

    def active_relay(self) -> str | None:
        """The relay holding the stock relay's advisory lock (None while none does)."""
        import psycopg

        from db.redis.stock_relay import ADVISORY_LOCK_KEY, libpq_url

        with psycopg.connect(libpq_url(self.settings.database_url), autocommit=True) as conn:
            row = conn.execute(_ACTIVE_RELAY, (ADVISORY_LOCK_KEY,)).fetchone()
        return row[0] if row else None


def _answers(port: int):
    def ready(node: ProcessNode) -> bool:  # noqa: ARG001
        return port_open(LOOPBACK, port)

    return ready


def _logged(line: str):
    def ready(node: ProcessNode) -> bool:
        return line in node.log_since_start()

    return ready


def _wait_for_200(url: str, timeout: float) -> None:
    import urllib.error
    import urllib.request

    deadline = time.monotonic() + timeout
    while True:
        try:
            with urllib.request.urlopen(url, timeout=5) as response:
                if response.status == 200:
                    return
        except (urllib.error.URLError, OSError):
            pass
        if time.monotonic() > deadline:
            raise StackError(f"{url} did not answer 200 within {timeout:.0f} s")
        time.sleep(0.2)
