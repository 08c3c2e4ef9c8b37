"""A whole store run the way an operator runs it: `shopflow run` as a child process of
the test, on its own var dir and free ports, with the supervisor that restarts what
dies. The fault tests find a server's pid with `shopflow stack status --json` and
signal exactly that pid (a process the test's own child started), never by name.
"""

from __future__ import annotations

import asyncio
import functools
import json
import os
import signal
import subprocess
import sys
import uuid
from dataclasses import dataclass
from pathlib import Path

import httpx
from sqlalchemy import text

from settings import Settings
from stack.embedded import ALL_SERVICES
from stack.ports import free_ports
from tests import waiting

SHOPFLOW = str(Path(sys.executable).with_name("shopflow"))
STAFF_PASSWORD = "fault-staff-password-1"
# Servers and secrets of the environment are left out: the store runs its own servers,
# and `shopflow run` generates its keys under its var dir (the test reads them there).
SERVICE_VARS = (
    "DATABASE_URL",
    "REDIS_URL",
    "TYPESENSE_URL",
    "TYPESENSE_API_KEY",
    "TEMPORAL_ADDRESS",
    "SECRET_KEY",
    "PAYLOAD_ENCRYPTION_KEY",
    "PAYLOAD_ENCRYPTION_KEYS",
)


# A server on its way back answers with errors: those mean "not yet" here.
wait_until = functools.partial(waiting.wait_until, every=0.2, errors_mean_not_yet=True)


@dataclass
class RunningStore:
    var_dir: Path
    env: dict[str, str]
    base_url: str
    process: subprocess.Popen | None = None
    engine: object = None

    @classmethod
    def create(cls, var_dir: Path) -> RunningStore:
        web, rd, ts, peer, tp, ui = free_ports(6)
        env = {k: v for k, v in os.environ.items() if k not in SERVICE_VARS}
        env.update(
            # `shopflow run` starts embedded servers: dev only (production never does).
            SHOPFLOW_ENV="dev",
            SHOPFLOW_VAR_DIR=str(var_dir),
            PORT=str(web),
            SHOPFLOW_REDIS_PORT=str(rd),
            SHOPFLOW_TYPESENSE_PORT=str(ts),
            SHOPFLOW_TYPESENSE_PEERING_PORT=str(peer),
            SHOPFLOW_TEMPORAL_PORT=str(tp),
            SHOPFLOW_TEMPORAL_UI_PORT=str(ui),
            WEB_WORKERS="1",
            DEMO_ITEMS="50",
            DEMO_WAREHOUSES="3",
            PYTHONUNBUFFERED="1",
            # Every shopper of every fault registers and pays from 127.0.0.1, and retries
            # through outages: the abuse limits are not what these tests are about.
            REGISTER_LIMIT_PER_IP="1000 per hour",
            LOGIN_LIMIT_PER_IP="1000 per minute",
            PAYMENT_LIMIT_PER_CHECKOUT="1000 per hour",
            PAYMENT_LIMIT_PER_USER="1000 per hour",
            BEGIN_LIMIT_PER_USER="1000 per minute",
            HOLD_LIMIT_PER_ITEM="1000000 per minute",
        )
        return cls(var_dir, env, f"http://127.0.0.1:{web}")

    # --- the process ------------------------------------------------------------------

    def start(self) -> None:
        self.var_dir.mkdir(parents=True, exist_ok=True)
        log = open(self.var_dir / "shopflow-run.log", "ab")
        self.process = subprocess.Popen(
            [SHOPFLOW, "run"], env=self.env, stdout=log, stderr=subprocess.STDOUT
        )
        wait_until(self._ready, seconds=180, what="`shopflow run` serving the store")
        from db.postgres.engine import make_engine

        self.engine = make_engine(self.settings.database_url, pool_size=2)

    def _ready(self) -> bool:
        assert self.process is not None
        if self.process.poll() is not None:
            # CI keeps only what the test prints: the log's end says why it exited.
            log = (self.var_dir / "shopflow-run.log").read_text(errors="replace")
            tail = "\n".join(log.splitlines()[-25:])
            raise AssertionError(f"shopflow run exited {self.process.returncode}:\n{tail}")
        states = {r["name"]: r["state"] for r in self.status()}
        # Every embedded server, plus the worker and web `shopflow run` starts.
        if set(states.values()) != {"running"} or len(states) != len(ALL_SERVICES) + 2:
            return False
        return httpx.get(f"{self.base_url}/api/v1/items?query=a", timeout=5).status_code == 200

    def stop(self) -> None:
        if self.engine is not None:
            self.engine.dispose()
        if self.process is None:
            return
        self.process.send_signal(signal.SIGTERM)
        try:
            self.process.wait(90)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(10)
        from stack import EmbeddedStack

        EmbeddedStack(Settings.from_env(self.env)).down()  # whatever it could not stop

    @property
    def settings(self) -> Settings:
        """What the store's own processes use: its servers and its generated keys."""
        from entrypoints.runtime import running_settings

        return running_settings(Settings.from_env(self.env))

    def cli(self, *args: str, check: bool = True) -> subprocess.CompletedProcess:
        return subprocess.run(
            [SHOPFLOW, *args],
            env=self.env,
            capture_output=True,
            text=True,
            timeout=120,
            check=check,
        )

    def status(self) -> list[dict]:
        return json.loads(self.cli("stack", "status", "--json").stdout)

    def pid(self, service: str) -> int:
        (pid,) = [r["pid"] for r in self.status() if r["name"] == service]
        assert pid, f"{service} is not running"
        return pid

    def supervisor_log(self) -> str:
        path = self.var_dir / "logs" / "supervisor.log"
        return path.read_text() if path.exists() else ""

    # --- reading the database ---------------------------------------------------------

    def rows(self, sql: str, **params) -> list:
        with self.engine.connect() as conn:
            return list(conn.execute(text(sql), params))

    def scalar(self, sql: str, **params):
        with self.engine.connect() as conn:
            return conn.execute(text(sql), params).scalar()

    def new_item(self, units_per_warehouse: int) -> int:
        from tests.stock_world import insert_item

        item_id = 900_000 + int(self.scalar("SELECT count(*) FROM items"))
        warehouses = [row.id for row in self.rows("SELECT id FROM warehouses ORDER BY id")]
        return insert_item(
            self.engine,
            item_id,
            {w: units_per_warehouse for w in warehouses},
            name=f"Fault item {item_id}",
            sku=f"FAULT-{item_id}",
        )

    def staff_token(self) -> str:
        email = f"staff-{uuid.uuid4().hex[:8]}@example.test"
        self.cli(
            "users", "create", "--email", email, "--password", STAFF_PASSWORD, "--role", "operator"
        )
        answer = httpx.post(
            f"{self.base_url}/api/v1/auth/token",
            json={"email": email, "password": STAFF_PASSWORD},
            timeout=10,
        )
        answer.raise_for_status()
        return answer.json()["token"]

    # --- Temporal -----------------------------------------------------------------------

    def sweep(self):
        """Trigger the hold sweeper's schedule once and return that run's result."""
        import temporal_client
        from tests.sweeps import sweep_once

        async def run():
            client = await temporal_client.connect(self.settings)
            return await sweep_once(client, self.settings, create=False)

        return asyncio.run(run())
