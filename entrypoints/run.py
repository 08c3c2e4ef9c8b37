"""`shopflow run`: the whole store in one command, and `shopflow web`.

Starts the embedded stack (or uses the external servers named in the environment),
applies migrations, loads the demo catalogue into an empty database, then runs the
Temporal worker and gunicorn as child processes until Ctrl-C / SIGTERM, when it
stops everything it started, in reverse order.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time

import click

from entrypoints.gunicorn import gunicorn_args, venv_bin
from settings import PROJECT_ROOT, InsecureSettings, Settings, require_safe_secrets


def _load_demo_catalogue_if_empty(settings: Settings) -> None:
    from catalog.generator import generate_items, generate_warehouses
    from catalog.loader import catalog_is_empty, load_catalog

    if not catalog_is_empty(settings):
        click.echo("catalogue: already loaded, keeping it")
        return
    click.echo(f"catalogue: empty database, loading {settings.demo_items:,} demo items")
    warehouses = generate_warehouses(settings.demo_warehouses, settings.demo_seed)
    items = generate_items(
        settings.demo_items, warehouse_ids=[w.id for w in warehouses], seed=settings.demo_seed
    )
    load_catalog(settings, warehouses, items, total=settings.demo_items, progress=True)


class _Children:
    """Child processes started by `run`, stopped in reverse order."""

    def __init__(self) -> None:
        self.procs: list[tuple[str, subprocess.Popen]] = []

    def start(self, name: str, args: list[str], env: dict[str, str]) -> None:
        proc = subprocess.Popen(args, env=env, cwd=PROJECT_ROOT, start_new_session=True)
        self.procs.append((name, proc))

    def first_exited(self) -> tuple[str, int] | None:
        for name, proc in self.procs:
            if proc.poll() is not None:
                return name, proc.returncode
        return None

    def stop(self) -> None:
        for name, proc in reversed(self.procs):
            if proc.poll() is None:
                click.echo(f"stopping {name} (pid {proc.pid})")
                proc.terminate()
        for _, proc in reversed(self.procs):
            try:
                proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()


class _Stop(Exception):
    pass


def _raise_stop(signum, frame) -> None:  # noqa: ARG001
    raise _Stop()


@click.command("run")
@click.option("--no-demo", is_flag=True, help="Do not load the demo catalogue.")
def run_command(no_demo: bool) -> None:
    """Start the whole store: stack, migrations, demo catalogue, worker and web."""
    from db.migrate import upgrade
    from stack import EmbeddedStack, StackError
    from stack.secrets import with_generated_secrets

    base = with_generated_secrets(Settings.from_env())
    try:
        require_safe_secrets(base)
    except InsecureSettings as exc:
        click.echo(f"error: {exc}", err=True)
        sys.exit(2)
    stack = EmbeddedStack(base)
    children = _Children()
    # Explicit for both: a shell that starts us in the background ignores SIGINT.
    signal.signal(signal.SIGTERM, _raise_stop)
    signal.signal(signal.SIGINT, _raise_stop)
    try:
        click.echo("starting the stack ...")
        endpoints = stack.up()
        settings = endpoints.as_settings(base)
        upgrade(settings.database_url)
        click.echo("database: migrated to head")
        if not no_demo:
            _load_demo_catalogue_if_empty(settings)
        env = settings.child_env()
        children.start("worker", [venv_bin("shopflow"), "worker"], env)
        children.start("web", gunicorn_args(settings), env)
        click.echo("")
        click.echo(f"  storefront:       http://{settings.host}:{settings.port}")
        if endpoints.temporal_ui_url:
            click.echo(f"  Temporal Web UI:  {endpoints.temporal_ui_url}")
        click.echo("  Ctrl-C stops everything; data stays under ./var/")
        click.echo("")
        while True:
            exited = children.first_exited()
            if exited:
                name, code = exited
                click.echo(f"{name} exited with code {code}; stopping the store", err=True)
                break
            time.sleep(0.5)
    except StackError as exc:
        click.echo(f"error: {exc}", err=True)
        sys.exit(1)
    except (KeyboardInterrupt, _Stop):
        click.echo("\nstopping ...")
    finally:
        children.stop()
        stack.down()
        click.echo("stopped")


@click.command("web")
@click.pass_obj
def web_command(settings: Settings) -> None:
    """Serve the storefront with gunicorn against the configured (external) services."""
    args = gunicorn_args(settings)
    os.execve(args[0], args, settings.child_env())
