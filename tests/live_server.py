"""The store as `shopflow run` serves it (web/live/asgi.py: the stock streams and the Flask
storefront on one origin) under a real uvicorn in a background thread, for tests."""

from __future__ import annotations

import threading

from settings import Settings


class ServerThread:
    """The ASGI app (web/live/asgi.py: streams + Flask, one origin) under a real uvicorn."""

    def __init__(self, settings: Settings) -> None:
        import time

        import uvicorn

        from entrypoints.asgi import build_asgi_app
        from stack.ports import free_port

        self.app = build_asgi_app(settings)
        port = free_port()
        self.url = f"http://127.0.0.1:{port}"
        config = uvicorn.Config(self.app, host="127.0.0.1", port=port, log_level="warning")
        self._server = uvicorn.Server(config)
        self._thread = threading.Thread(target=self._server.run, daemon=True)
        self._thread.start()
        deadline = time.monotonic() + 30
        while not self._server.started and time.monotonic() < deadline:
            time.sleep(0.05)
        assert self._server.started, "uvicorn did not start"

    def stop(self) -> None:
        self._server.should_exit = True
        self._thread.join(timeout=15)
