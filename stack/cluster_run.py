"""`shopflow stack up --cluster` (`make run-cluster`): the local cluster in the foreground.

Like `shopflow run`: start everything, load the demo catalogue into an empty database,
restart any node that dies (the supervisor of stack/supervisor.py), stop everything on
Ctrl-C / SIGTERM. Data stays under var/cluster/.
"""

from __future__ import annotations

import signal
import sys
import time
from pathlib import Path

import click

from catalog.demo import load_demo_catalogue_if_empty
from settings import Settings

from .cluster import Cluster
from .errors import StackError
from .supervisor import GaveUp, RestartPolicy, Supervisor, supervisor_log
from .temporal_server import keep_closed_workflows

RESTARTS_PER_MINUTE = 5


class _NodeWatch:
    """A node of the cluster as the supervisor sees it."""

    def __init__(self, cluster: Cluster, name: str) -> None:
        self._cluster = cluster
        self.name = name

    def alive(self) -> bool:
        return self._cluster.node_alive(self.name)

    def restart(self) -> int:
        return self._cluster.restart(self.name)


class _Stop(Exception):
    pass


def _raise_stop(signum, frame) -> None:  # noqa: ARG001
    raise _Stop()


def run_cluster(settings: Settings, *, demo: bool) -> None:
    cluster = Cluster(Path(settings.var_dir), settings, fixed_ports=True)
    signal.signal(signal.SIGTERM, _raise_stop)
    signal.signal(signal.SIGINT, _raise_stop)
    exit_code = 0
    try:
        click.echo(f"starting the cluster under {cluster.root} ...")
        began = time.monotonic()
        cluster.start()
        keep_closed_workflows(cluster.settings)
        click.echo(f"cluster up in {time.monotonic() - began:.0f} s")
        if demo:
            load_demo_catalogue_if_empty(cluster.settings)
        supervisor = Supervisor(
            [_NodeWatch(cluster, status.name) for status in cluster.nodes()],
            policy=RestartPolicy(max_per_minute=RESTARTS_PER_MINUTE),
            log=supervisor_log(cluster.root),
        )
        click.echo("")
        for status in cluster.nodes():
            port = "" if status.port is None else f"port {status.port}"
            click.echo(f"  {status.name:<20} {status.role:<18} pid {status.pid:<8} {port}")
        click.echo("")
        click.echo(f"  storefront (HAProxy): {cluster.balancer_url}")
        click.echo("  nodes:                shopflow stack status [--json]")
        click.echo("  Ctrl-C stops everything; data stays under var/cluster/")
        ticks = 0
        while True:
            supervisor.tick()
            ticks += 1
            if ticks % 4 == 0:  # pids and roles move: keep `stack status` current
                cluster.write_state()
            time.sleep(0.5)
    except GaveUp as exc:
        click.echo(f"error: {exc}; stopping the cluster", err=True)
        exit_code = 1
    except StackError as exc:
        click.echo(f"error: {exc}", err=True)
        exit_code = 1
    except (KeyboardInterrupt, _Stop):
        click.echo("\nstopping ...")
    finally:
        cluster.stop()
        click.echo("stopped")
    sys.exit(exit_code)
