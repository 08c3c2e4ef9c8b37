"""`shopflow run`: the whole store in one command, and `shopflow web`.

Starts the embedded stack (or uses the external servers named in the environment),
applies migrations, loads the demo catalogue into an empty database, then runs the
Temporal worker, the stock relay and gunicorn as child processes until Ctrl-C /
SIGTERM, when it stops everything it started, in reverse order.

While it runs, a supervisor (stack/supervisor.py) restarts any embedded server, the
worker, the stock relay or gunicorn that exits: back-off from 0.5 s, every restart
logged (here and in var/logs/supervisor.log), at most RESTARTS_PER_MINUTE each; past
that the store stops.
The worker and web reconnect to a restarted server by themselves. The pid files of the
worker and web (var/run/worker.pid, web.pid) let `shopflow stack status --json` list them.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import click

from entrypoints.gunicorn import gunicorn_args, gunicorn_env, venv_bin
from settings import PROJECT_ROOT, Settings, pass_settings, require_dev

RESTARTS_PER_MINUTE = 5


class _Child:
    """The worker or gunicorn: a child process the supervisor can start again."""

    def __init__(self, name: str, args: list[str], env: dict[str, str], run_dir: Path) -> None:
        self.name = name
        self._args = args
        self._env = env
        self._pid_file = run_dir / f"{name}.pid"
        self.proc: subprocess.Popen | None = None

    def start(self) -> int:
        self.proc = subprocess.Popen(
            self._args, env=self._env, cwd=PROJECT_ROOT, start_new_session=True
        )
        self._pid_file.parent.mkdir(parents=True, exist_ok=True)
        self._pid_file.write_text(f"{self.proc.pid}\n")
        return self.proc.pid

    def alive(self) -> bool:
        return self.proc is not None and self.proc.poll() is None

    def restart(self) -> int:
        return self.start()


class _Children:
    """Child processes started by `run`, stopped in reverse order."""

    def __init__(self, run_dir: Path) -> None:
        self._run_dir = run_dir
        self.procs: list[_Child] = []

    def start(self, name: str, args: list[str], env: dict[str, str]) -> _Child:
        child = _Child(name, args, env, self._run_dir)
        child.start()
        self.procs.append(child)
        return child

    def stop(self) -> None:
        for child in reversed(self.procs):
            if child.alive():
                click.echo(f"stopping {child.name} (pid {child.proc.pid})")
                child.proc.terminate()
        for child in reversed(self.procs):
            if child.proc is None:
                continue
            try:
                child.proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                child.proc.kill()
                child.proc.wait()
            (self._run_dir / f"{child.name}.pid").unlink(missing_ok=True)


class _Stop(Exception):
    pass


def _raise_stop(signum, frame) -> None:  # noqa: ARG001
    raise _Stop()


@click.command("run")
@click.option("--no-demo", is_flag=True, help="Do not load the demo catalogue.")
def run_command(no_demo: bool) -> None:
    """Start the whole store: stack, migrations, demo catalogue, worker and web."""
    from catalog.demo import load_demo_catalogue_if_empty
    from db.postgres.migrate import upgrade
    from entrypoints.telemetry import worker_metrics_url
    from stack import EmbeddedStack, StackError
    from stack.secrets import with_generated_secrets
    from stack.supervisor import GaveUp, RestartPolicy, ServiceWatch, Supervisor, supervisor_log
    from stack.temporal_server import keep_closed_workflows

    base = Settings.from_env()
    require_dev(base, "`shopflow run` starts the embedded stack and generates keys under var/")
    base = with_generated_secrets(base)
    stack = EmbeddedStack(base)
    children = _Children(Path(base.var_dir) / "run")
    # Explicit for both: a shell that starts us in the background ignores SIGINT.
    signal.signal(signal.SIGTERM, _raise_stop)
    signal.signal(signal.SIGINT, _raise_stop)
    exit_code = 0
    try:
        click.echo("starting the stack ...")
        endpoints = stack.up()
        settings = endpoints.as_settings(base)
        upgrade(settings.database_url)
        click.echo("database: migrated to head")
        if base.temporal_address is None:  # ours; a real cluster's is its operator's
            keep_closed_workflows(settings)
        if not no_demo:
            load_demo_catalogue_if_empty(settings)
        env = settings.child_env()
        worker = children.start("worker", [venv_bin("shopflow"), "worker"], env)
        relay = children.start("stock-relay", [venv_bin("shopflow"), "stock-relay"], env)
        web = children.start("web", gunicorn_args(settings), gunicorn_env(settings))
        supervisor = Supervisor(
            [*(ServiceWatch(stack, s.name) for s in stack.embedded), worker, relay, web],
            policy=RestartPolicy(max_per_minute=RESTARTS_PER_MINUTE),
            log=supervisor_log(Path(base.var_dir)),
        )
        click.echo("")
        click.echo(f"  storefront:       http://{settings.host}:{settings.port}")
        click.echo(f"  web metrics:      http://{settings.host}:{settings.port}/metrics")
        if worker_metrics_url(settings):
            click.echo(f"  worker metrics:   {worker_metrics_url(settings)}")
        if endpoints.temporal_ui_url:
            click.echo(f"  Temporal Web UI:  {endpoints.temporal_ui_url}")
        click.echo("  another shell:    eval $(shopflow stack env)")
        click.echo("  mail (dev):       `shopflow mail list`, or /dev/mail")
        click.echo("  Ctrl-C stops everything; data stays under ./var/")
        click.echo("")
        while True:
            supervisor.tick()
            time.sleep(0.5)
    except GaveUp as exc:
        click.echo(f"error: {exc}; stopping the store", err=True)
        exit_code = 1
    except StackError as exc:
        click.echo(f"error: {exc}", err=True)
        sys.exit(1)
    except (KeyboardInterrupt, _Stop):
        click.echo("\nstopping ...")
    finally:
        children.stop()
        stack.down()
        click.echo("stopped")
    sys.exit(exit_code)


@click.command("web")
@pass_settings
def web_command(settings: Settings) -> None:
    """Serve the storefront with gunicorn against the configured (external) services."""
    args = gunicorn_args(settings)
    os.execve(args[0], args, gunicorn_env(settings))
