"""The embedded mail server's process: a real SMTP server (aiosmtpd) that files every
message it accepts into a Maildir (`var/mail/`), where `shopflow mail list` reads it.

    python -m stack.mail_sink --port 8025 --maildir var/mail

A message whose Message-ID is already in the Maildir is accepted and not filed again:
the mail activity names each message after its event (docs/email.md), so a send that
Temporal retried after the server took it does not show twice.
"""

from __future__ import annotations

import argparse
import mailbox
import signal
import threading
from email.message import Message
from pathlib import Path

from aiosmtpd.controller import Controller
from aiosmtpd.handlers import Message as MessageHandler


class DeduplicatingMaildir(MessageHandler):
    def __init__(self, mail_dir: Path) -> None:
        super().__init__()
        self.maildir = mailbox.Maildir(mail_dir, create=True)
        self.seen = {m.get("Message-ID") for m in self.maildir}
        self.lock = threading.Lock()

    def handle_message(self, message: Message) -> None:
        message_id = message.get("Message-ID")
        with self.lock:
            if message_id and message_id in self.seen:
                return
            self.maildir.add(message)
            self.seen.add(message_id)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m stack.mail_sink")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--maildir", type=Path, required=True)
    args = parser.parse_args(argv)
    controller = Controller(DeduplicatingMaildir(args.maildir), hostname=args.host, port=args.port)
    controller.start()
    print(f"mail sink on {args.host}:{args.port} filing into {args.maildir}", flush=True)
    stop = threading.Event()
    for signum in (signal.SIGTERM, signal.SIGINT):
        signal.signal(signum, lambda *_: stop.set())
    stop.wait()
    controller.stop()


if __name__ == "__main__":
    main()
