"""The embedded mail server (stack/mail_sink.py in its own Python process): SMTP on
loopback, every message filed into the Maildir `var/mail/`."""

from __future__ import annotations

import sys
from pathlib import Path

import psutil

from . import process
from .ports import LOOPBACK
from .service import Service

MODULE = "stack.mail_sink"


class MailServer(Service):
    name = "mail"
    program_names = ("python", "python3")
    stop_grace = 10.0

    @property
    def external_url(self) -> str | None:
        return self.settings.smtp_url

    @property
    def port(self) -> int:
        return self.settings.smtp_port

    @property
    def ports(self) -> list[int]:
        return [self.port]

    @property
    def location(self) -> str:
        return f"{LOOPBACK}:{self.port}"

    def url(self) -> str:
        return f"smtp://{LOOPBACK}:{self.port}"

    @property
    def maildir(self) -> Path:
        return (self.var_dir / "mail").resolve()

    def prepare(self) -> None:
        for part in ("cur", "new", "tmp"):  # a Maildir is these three folders
            (self.maildir / part).mkdir(parents=True, exist_ok=True)

    def command(self) -> list[str]:
        return [
            sys.executable, "-m", MODULE,
            "--host", LOOPBACK, "--port", str(self.port), "--maildir", str(self.maildir),
        ]  # fmt: skip

    def spawn_kwargs(self) -> dict:
        # The sink imports stack/ from this checkout, wherever var_dir is.
        env = self.child_env()
        root = str(Path(__file__).resolve().parent.parent)
        env["PYTHONPATH"] = root + (":" + env["PYTHONPATH"] if env.get("PYTHONPATH") else "")
        return {"env": env}

    def running_pid(self) -> int | None:
        # Every Python process is "python": ours is the one running the sink module.
        pid = super().running_pid()
        if pid is None:
            return None
        try:
            return pid if MODULE in psutil.Process(pid).cmdline() else None
        except (psutil.NoSuchProcess, psutil.AccessDenied):
            return None

    def healthy(self) -> bool:
        import socket

        with socket.create_connection((LOOPBACK, self.port), timeout=1.0) as sock:
            return sock.recv(128).startswith(b"220")

    def clear_stale_state(self) -> None:
        process.remove_file(self.pid_path)
