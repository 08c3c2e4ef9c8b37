"""A local HTTP server of product pictures (never the internet): what `imageURL` fetches
in the tests. Paths: /kettle.png, /page.html, /big.png, /slow.png; anything else 404."""

from __future__ import annotations

import io
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from PIL import Image


def png(colour: str = "orange", size: tuple[int, int] = (300, 200)) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, colour).save(out, "PNG")
    return out.getvalue()


KETTLE = png("orange")
BIG = png("navy", (1400, 1400)) + b"\0" * 300_000  # over a small test cap


class _Pictures(BaseHTTPRequestHandler):
    def do_GET(self) -> None:  # noqa: N802 (http.server's name)
        answers = {
            "/kettle.png": ("image/png", KETTLE),
            "/page.html": ("text/html", b"<html><body>Not a picture</body></html>"),
            "/big.png": ("image/png", BIG),
        }
        if self.path == "/slow.png":
            time.sleep(2.0)
            answers[self.path] = ("image/png", KETTLE)
        if self.path not in answers:
            self.send_error(404)
            return
        kind, body = answers[self.path]
        self.send_response(200)
        self.send_header("Content-Type", kind)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        try:
            self.wfile.write(body)
        except (BrokenPipeError, ConnectionResetError):
            pass  # the client gave up (too big, too slow): that is the test

    def log_message(self, *args: object) -> None:
        pass

    def handle(self) -> None:
        try:
            super().handle()
        except (BrokenPipeError, ConnectionResetError):
            pass  # the client gave up (too big, too slow): that is the test


@contextmanager
def picture_server() -> Iterator[str]:
    """The server's base URL, http://127.0.0.1:<free port>."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Pictures)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, args=(0.01,), daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()
