"""`shopflow stack up|down|status`: the embedded servers, left running in the background."""

from __future__ import annotations

import json
import shlex
import time

import click

from settings import DEV_SECRET_KEY, Settings, require_dev

from .embedded import EmbeddedStack, Endpoints, redact
from .errors import StackError


def print_endpoints(endpoints: Endpoints) -> None:
    click.echo(f"  database   {redact(endpoints.database_url)}")
    click.echo(f"  redis      {redact(endpoints.redis_url)}")
    click.echo(f"  typesense  {endpoints.typesense_url}")
    click.echo(f"  temporal   {endpoints.temporal_address}")
    if endpoints.temporal_ui_url:
        click.echo(f"  temporal UI {endpoints.temporal_ui_url}")


@click.group("stack")
def stack_group() -> None:
    """The embedded PostgreSQL, Redis, Typesense and Temporal under ./var/."""


@stack_group.command("up")
@click.option(
    "--cluster",
    is_flag=True,
    help="Start the local multi-node cluster under var/cluster/ instead, in the foreground "
    "until Ctrl-C (docs/scaling.md).",
)
@click.option("--no-demo", is_flag=True, help="With --cluster: do not load the demo catalogue.")
def up_command(cluster: bool, no_demo: bool) -> None:
    """Start the embedded servers (those not set by URL) and leave them running."""
    settings = Settings.from_env()
    require_dev(settings, "`shopflow stack up` starts embedded servers")
    if cluster:
        from .cluster_run import run_cluster

        run_cluster(settings, demo=not no_demo)
        return
    stack = EmbeddedStack(settings)
    began = time.monotonic()
    try:
        endpoints = stack.up()
    except StackError as exc:
        raise click.ClickException(str(exc)) from exc
    reused = [s.name for s in stack.services if s.name not in stack.started]
    click.echo(
        f"stack up in {time.monotonic() - began:.1f} s "
        f"(started: {', '.join(stack.started) or 'none'}; "
        f"already running or external: {', '.join(reused) or 'none'})"
    )
    print_endpoints(endpoints)
    click.echo("Stop with: shopflow stack down")


@stack_group.command("down")
def down_command() -> None:
    """Stop the embedded servers started under ./var/ (data is kept), and what a local
    cluster whose own process died left running under var/cluster/."""
    from .cluster_state import stop_leftovers

    settings = Settings.from_env()
    stack = EmbeddedStack(settings)
    try:
        stopped = stack.down()
    except StackError as exc:
        raise click.ClickException(str(exc)) from exc
    stopped += [f"cluster {name}" for name in stop_leftovers(settings.var_dir)]
    click.echo(f"stopped: {', '.join(stopped)}" if stopped else "nothing was running")


@stack_group.command("status")
@click.option(
    "--json", "as_json", is_flag=True, help="One JSON list: name, role, pid, port, state, ..."
)
def status_command(as_json: bool) -> None:
    """Show each service: running (pid, address), stopped, or external.

    While `shopflow stack up --cluster` runs, each node of the cluster instead: name,
    role, pid, port and state (up or down)."""
    from .cluster_state import read_state

    settings = Settings.from_env()
    nodes = read_state(settings.var_dir)
    if nodes is not None:
        if as_json:
            click.echo(json.dumps(nodes))
            return
        for node in nodes:
            port = "-" if node["port"] is None else node["port"]
            click.echo(
                f"{node['name']:<20} {node['role']:<18} {node['state']:<5} "
                f"pid {node['pid'] or '-':<8} port {port}"
            )
        return
    stack = EmbeddedStack(settings)
    if as_json:
        click.echo(json.dumps(stack.status_records()))
        return
    for name, state in stack.status():
        click.echo(f"{name:<10} {state}")


@stack_group.command("env")
@click.option("--json", "as_json", is_flag=True, help="One JSON object instead of shell lines.")
def env_command(as_json: bool) -> None:
    """The settings that point another process at the running stack.

    In a second shell: eval $(shopflow stack env)
    While `shopflow stack up --cluster` runs: the cluster's (Sentinels, every Typesense node).
    """
    from .cluster_state import read_env
    from .secrets import stored_secrets, with_embedded_credentials

    if (cluster_pairs := read_env(Settings.from_env().var_dir)) is not None:
        _print_env(cluster_pairs, as_json)
        return
    settings = with_embedded_credentials(Settings.from_env())
    require_dev(settings, "`shopflow stack env` describes the embedded stack")
    stack = EmbeddedStack(settings)
    down = [name for name, state in stack.status() if state.startswith("stopped")]
    if down:
        raise click.ClickException(
            f"not running: {', '.join(down)} (start it with `shopflow stack up` or `shopflow run`)"
        )
    concrete = stack.endpoints().as_settings(settings)
    keys = stored_secrets(settings)
    pairs = {
        "SHOPFLOW_ENV": "dev",
        "SHOPFLOW_VAR_DIR": str(settings.var_dir),
        "DATABASE_URL": concrete.database_url,
        "REDIS_URL": concrete.redis_url,
        "TYPESENSE_URL": concrete.typesense_url,
        "TYPESENSE_API_KEY": concrete.typesense_api_key,
        "TEMPORAL_ADDRESS": concrete.temporal_address,
        "TEMPORAL_NAMESPACE": concrete.temporal_namespace,
        # The generated key when the environment sets none (dev's published one is useless).
        "SECRET_KEY": keys.get("SECRET_KEY")
        if settings.secret_key in ("", DEV_SECRET_KEY)
        else settings.secret_key,
        "PAYLOAD_ENCRYPTION_KEYS": ",".join(settings.payload_encryption_keys)
        or ",".join(keys.get("PAYLOAD_ENCRYPTION_KEYS", [])),
        "VAULT_KEYS": ",".join(settings.vault_keys) or ",".join(keys.get("VAULT_KEYS", [])),
    }
    _print_env({name: value for name, value in pairs.items() if value}, as_json)


def _print_env(pairs: dict[str, str], as_json: bool) -> None:
    if as_json:
        click.echo(json.dumps(pairs))
        return
    for name, value in pairs.items():
        click.echo(f"export {name}={shlex.quote(value)}")
