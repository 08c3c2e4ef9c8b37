"""The embedded stack starts real servers, reuses them, keeps their data and stops them.

Most tests share one stack (module scope) to stay fast; the failure cases start their own
on separate ports and var dirs.
"""

from __future__ import annotations

import asyncio
import os
import signal
import socket
import subprocess
import sys
import textwrap
import time
import uuid
from pathlib import Path

import httpx
import pytest
import redis
from sqlalchemy import create_engine, text

from settings import PROJECT_ROOT, Settings
from stack import EmbeddedStack, Endpoints, StackError
from stack.ports import settings_on_free_ports
from stack.process import pid_alive
from stack.redis_server import Redis
from stack.temporal_server import SEARCH_ATTRIBUTES

pytestmark = pytest.mark.integration

SERVICES = ("postgres", "redis", "typesense", "temporal", "mail")


def isolated_settings(var_dir: Path) -> Settings:
    """Settings for a stack of its own: fresh var dir, free loopback ports."""
    return settings_on_free_ports(var_dir, typesense_api_key="stack-test-key")


def pids(settings: Settings) -> dict[str, int]:
    run = settings.var_dir / "run"
    return {name: int((run / f"{name}.pid").read_text()) for name in SERVICES}


def states(stack: EmbeddedStack) -> dict[str, str]:
    return dict(stack.status())


def nothing_left_running(stack: EmbeddedStack, before: dict[str, int] | None = None) -> None:
    assert set(states(stack).values()) == {"stopped"}
    assert not list((stack.var_dir / "run").glob("*.pid"))
    for pid in (before or {}).values():
        assert not pid_alive(pid)


def typesense(endpoints: Endpoints) -> httpx.Client:
    return httpx.Client(
        base_url=endpoints.typesense_url,
        headers={"X-TYPESENSE-API-KEY": endpoints.typesense_api_key},
        timeout=10,
    )


async def _temporal(address: str, coro_fn):
    from temporalio.client import Client

    client = await Client.connect(address, namespace="default")
    return await coro_fn(client)


def temporal(endpoints: Endpoints, coro_fn):
    return asyncio.run(_temporal(endpoints.temporal_address, coro_fn))


@pytest.fixture(scope="module")
def shared(tmp_path_factory: pytest.TempPathFactory):
    settings = isolated_settings(tmp_path_factory.mktemp("stack") / "var")
    stack = EmbeddedStack(settings, timeout=90)
    began = time.monotonic()
    endpoints = stack.up()
    print(f"cold up() took {time.monotonic() - began:.1f} s")
    try:
        yield stack, endpoints
    finally:
        stack.down()


def test_every_service_answers_once_the_stack_is_up(shared):
    stack, endpoints = shared
    assert endpoints.as_settings(stack.settings).database_url == endpoints.database_url

    engine = create_engine(endpoints.database_url)
    with engine.connect() as conn:
        assert conn.execute(text("select 1")).scalar() == 1
        assert conn.execute(text("show server_version")).scalar().startswith("16.")
    engine.dispose()

    assert redis.Redis.from_url(endpoints.redis_url).ping() is True

    with typesense(endpoints) as ts:
        assert ts.get("/health").json() == {"ok": True}
        assert ts.get("/collections").status_code == 200  # our API key is accepted
        assert ts.get("/collections", headers={"X-TYPESENSE-API-KEY": "wrong"}).status_code == 401

    async def namespace_and_search_attributes(client):
        from temporalio.api.operatorservice.v1 import ListSearchAttributesRequest
        from temporalio.api.workflowservice.v1 import DescribeNamespaceRequest

        described = await client.workflow_service.describe_namespace(
            DescribeNamespaceRequest(namespace="default")
        )
        attributes = await client.operator_service.list_search_attributes(
            ListSearchAttributesRequest(namespace="default")
        )
        return described.namespace_info.name, set(attributes.custom_attributes)

    name, custom = temporal(endpoints, namespace_and_search_attributes)
    assert name == "default"
    assert set(SEARCH_ATTRIBUTES) <= custom

    assert endpoints.temporal_ui_url is not None
    assert httpx.get(endpoints.temporal_ui_url, timeout=10).status_code == 200


def test_status_shows_each_service_running_with_its_pid_and_address(shared):
    stack, _ = shared
    running = pids(stack.settings)
    rows = states(stack)
    assert list(rows) == list(SERVICES)
    for name in SERVICES:
        assert rows[name].startswith(f"running pid {running[name]} on ")
    assert rows["redis"].endswith(f"on 127.0.0.1:{stack.settings.redis_port}")
    assert f"127.0.0.1:{stack.settings.temporal_port}" in rows["temporal"]


def test_servers_run_in_their_own_session_so_ctrl_c_does_not_reach_them(shared):
    stack, _ = shared
    for pid in pids(stack.settings).values():
        assert os.getsid(pid) == pid
        assert os.getpgid(pid) == pid


def test_starting_again_reuses_the_running_servers(shared):
    stack, endpoints = shared
    before = pids(stack.settings)
    again = EmbeddedStack(stack.settings).up()  # as a second process would
    # Reuse is proved by the same processes answering, never by a stopwatch (how long
    # up() takes on a shared machine says nothing about whether it started anything).
    assert again == endpoints
    assert pids(stack.settings) == before
    assert all(pid_alive(pid) for pid in before.values())


def test_second_start_reuses_the_data_of_the_first(shared):
    stack, endpoints = shared
    marker = uuid.uuid4().hex
    workflow_id = f"stack-probe-{marker}"

    engine = create_engine(endpoints.database_url)
    with engine.begin() as conn:
        conn.execute(text("create table if not exists stack_probe (marker text primary key)"))
        conn.execute(text("insert into stack_probe values (:m)"), {"m": marker})
    engine.dispose()
    r = redis.Redis.from_url(endpoints.redis_url)
    r.set("stack-probe", marker)
    r.close()
    with typesense(endpoints) as ts:
        schema = {"name": "stack_probe", "fields": [{"name": "marker", "type": "string"}]}
        assert ts.post("/collections", json=schema).status_code == 201
        doc = ts.post("/collections/stack_probe/documents", json={"id": "1", "marker": marker})
        assert doc.status_code == 201

    async def start_workflow(client):  # no worker needed: it just waits in the history
        await client.start_workflow("StackProbe", id=workflow_id, task_queue="stack-probe")

    temporal(endpoints, start_workflow)

    before = pids(stack.settings)
    began = time.monotonic()
    assert stack.down() == list(SERVICES)
    print(f"down() took {time.monotonic() - began:.1f} s")
    nothing_left_running(stack, before)

    began = time.monotonic()
    assert stack.up() == endpoints
    print(f"warm restart up() took {time.monotonic() - began:.1f} s")
    assert stack.started == list(SERVICES)
    assert set(pids(stack.settings).values()).isdisjoint(before.values())

    engine = create_engine(endpoints.database_url)
    with engine.connect() as conn:
        found = conn.execute(
            text("select marker from stack_probe where marker = :m"), {"m": marker}
        )
        assert found.scalar() == marker
    engine.dispose()
    assert redis.Redis.from_url(endpoints.redis_url).get("stack-probe") == marker.encode()
    with typesense(endpoints) as ts:
        assert ts.get("/collections/stack_probe/documents/1").json()["marker"] == marker

    async def describe(client):
        return (await client.get_workflow_handle(workflow_id).describe()).status.name

    assert temporal(endpoints, describe) == "RUNNING"


def test_a_crashed_server_is_started_again_and_the_others_are_kept(shared):
    stack, endpoints = shared
    before = pids(stack.settings)
    os.kill(before["redis"], signal.SIGKILL)
    os.kill(before["postgres"], signal.SIGKILL)
    assert _wait(lambda: not pid_alive(before["redis"]) and not pid_alive(before["postgres"]))
    # A pid file whose pid now belongs to some other program is stale too.
    (stack.var_dir / "run" / "redis.pid").write_text(f"{os.getpid()}\n")
    assert states(stack)["redis"] == "stopped (stale pid file)"
    assert states(stack)["postgres"] == "stopped (stale pid file)"

    assert stack.up() == endpoints
    assert stack.started == ["postgres", "redis"]
    after = pids(stack.settings)
    assert after["typesense"] == before["typesense"]
    assert after["temporal"] == before["temporal"]
    assert after["redis"] not in (before["redis"], os.getpid())
    assert redis.Redis.from_url(endpoints.redis_url).ping() is True
    engine = create_engine(endpoints.database_url)
    with engine.connect() as conn:
        assert conn.execute(text("select 1")).scalar() == 1
    engine.dispose()


def test_status_records_name_pid_port_and_state_and_one_dead_server_restarts_alone(shared):
    """What `shopflow stack status --json` prints, and what the supervisor calls."""
    stack, endpoints = shared
    records = {r["name"]: r for r in stack.status_records()}
    running = pids(stack.settings)
    assert list(records) == list(SERVICES)  # no worker/web: no `shopflow run` here
    assert {name: (r["pid"], r["state"]) for name, r in records.items()} == {
        name: (running[name], "running") for name in SERVICES
    }
    assert records["redis"]["port"] == stack.settings.redis_port
    assert records["temporal"]["port"] == stack.settings.temporal_port
    assert records["postgres"]["port"] is None  # a unix socket: see its location

    os.kill(running["typesense"], signal.SIGKILL)
    assert _wait(lambda: not pid_alive(running["typesense"]))
    assert {r["name"]: r["state"] for r in stack.status_records()}["typesense"] == "stopped"
    new_pid = stack.restart("typesense")

    assert new_pid != running["typesense"]
    assert pids(stack.settings) == {**running, "typesense": new_pid}
    assert stack.restart("typesense") == new_pid  # running: nothing to do
    with typesense(endpoints) as ts:
        assert ts.get("/health").json() == {"ok": True}


def test_a_port_taken_by_another_program_is_named_and_nothing_is_left_running(tmp_path):
    settings = isolated_settings(tmp_path / "var")
    stack = EmbeddedStack(settings, timeout=60)
    with socket.socket() as squatter:
        squatter.bind(("127.0.0.1", settings.redis_port))
        squatter.listen()
        with pytest.raises(StackError) as raised:
            stack.up()
    message = str(raised.value)
    assert message.startswith(f"redis: port {settings.redis_port} on 127.0.0.1 is already in use")
    assert message.endswith(f"(log: {settings.var_dir / 'logs' / 'redis.log'})")
    assert "\n" not in message
    nothing_left_running(stack)


def test_a_server_that_dies_on_start_up_is_reported_with_its_log(tmp_path, monkeypatch):
    monkeypatch.setattr(Redis, "command", lambda self: [self.binary(), "--no-such-option", "x"])
    settings = isolated_settings(tmp_path / "var")
    stack = EmbeddedStack(settings, timeout=60)
    with pytest.raises(StackError) as raised:
        stack.up()
    message = str(raised.value)
    assert message.startswith("redis: exited with code 1 during start-up")
    assert "redis.log" in message and "\n" not in message
    nothing_left_running(stack)


# A busy machine can deschedule up()'s thread between handing two servers to its pool,
# after the first has already spawned: Ctrl-C landing there once left every server
# running (CI saw it with the suite on two workers). The pause makes that moment certain.
PAUSE_AFTER_FIRST_SUBMIT = """
import concurrent.futures, time
_submit = concurrent.futures.ThreadPoolExecutor.submit
def _pausing_submit(self, *args, **kwargs):
    future = _submit(self, *args, **kwargs)
    if not getattr(self, "_paused", False):
        self._paused = True
        time.sleep(6)
    return future
concurrent.futures.ThreadPoolExecutor.submit = _pausing_submit
"""


@pytest.mark.parametrize("moment", ["while_waiting", "between_two_submissions"])
def test_ctrl_c_during_start_up_stops_what_was_started(tmp_path, moment):
    settings = isolated_settings(tmp_path / "var")
    pause = PAUSE_AFTER_FIRST_SUBMIT if moment == "between_two_submissions" else ""
    script = (
        textwrap.dedent(
            """
        import signal, sys
        from pathlib import Path
        from settings import Settings
        from stack import EmbeddedStack
        signal.signal(signal.SIGINT, signal.default_int_handler)
        """
        )
        + pause
        + textwrap.dedent(
            f"""
        settings = Settings(var_dir=Path({str(settings.var_dir)!r}),
            redis_port={settings.redis_port}, typesense_port={settings.typesense_port},
            typesense_peering_port={settings.typesense_peering_port},
            temporal_port={settings.temporal_port},
            temporal_ui_port={settings.temporal_ui_port})
        print("starting", flush=True)
        try:
            EmbeddedStack(settings).up()
        except KeyboardInterrupt:
            print("interrupted", flush=True)
            sys.exit(130)
        print("finished", flush=True)
        """
        )
    )
    child = subprocess.Popen(
        [sys.executable, "-c", script], cwd=PROJECT_ROOT, stdout=subprocess.PIPE, text=True
    )
    try:
        assert child.stdout is not None
        assert child.stdout.readline().strip() == "starting"
        # Wait until at least one server is spawned, then press Ctrl-C.
        assert _wait(lambda: any((settings.var_dir / "run").glob("*.pid")), timeout=30)
        child.send_signal(signal.SIGINT)
        out, _ = child.communicate(timeout=60)
    finally:
        if child.poll() is None:
            child.kill()
    assert (child.returncode, out.strip()) == (130, "interrupted")
    nothing_left_running(EmbeddedStack(settings))


def _wait(condition, timeout: float = 10.0) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.02)
    return False
