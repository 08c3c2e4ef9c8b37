"""An answer's head and body in one socket write, for the answers that ask for it.

ASGI sends an answer as two messages (the status and headers, then the body) and
uvicorn writes each to the socket as it comes: two loopback sends, each a system call
that wakes the client, for a search answer that is ready whole before the first one.
That second send was a tenth of the web worker's CPU per search (docs/benchmarks.md,
"one write per answer"). `OneWriteProtocol` is uvicorn's httptools protocol with one
addition: a request's scope carries `EXTENSION_KEY`, a function an endpoint calls just
before sending an answer it has whole (web/search/fast_api.py's `ReadyAnswer`); the
head is then held and written together with the body that follows. Every other answer
(Flask's pages, the stock streams) is written as before, at once.
"""

from __future__ import annotations

import asyncio
from typing import Any

from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol

# The scope's `extensions` entry: a function of no arguments, "hold my head for my body".
EXTENSION_KEY = "shopflow.one_write"


class HeldHeadTransport:
    """The transport as a response cycle sees it. After `hold_head()` the next write (the
    head) is kept and joined to the write after it (the body). Closing writes anything
    held first, so an answer broken off after its head ends as it did before."""

    __slots__ = ("_held", "_hold", "_transport")

    def __init__(self, transport: asyncio.Transport) -> None:
        self._transport = transport
        self._hold = False
        self._held: bytes | None = None

    def hold_head(self) -> None:
        self._hold = True

    def write(self, data: bytes) -> None:
        if self._held is not None:
            data = self._held + data
            self._held = None
        elif self._hold:
            self._hold = False
            self._held = bytes(data)
            return
        self._transport.write(data)

    def close(self) -> None:
        self._hold = False
        if self._held is not None:
            held, self._held = self._held, None
            self._transport.write(held)
        self._transport.close()

    def __getattr__(self, name: str) -> Any:  # is_closing, get_extra_info, ...
        return getattr(self._transport, name)


class OneWriteProtocol(HttpToolsProtocol):
    """uvicorn's httptools protocol whose requests may ask for one write per answer."""

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        super().connection_made(transport)
        self._one_write = HeldHeadTransport(transport)

    def on_headers_complete(self) -> None:
        super().on_headers_complete()
        if self.cycle is not None and self.cycle.scope is self.scope:
            # The cycle writes through the holder; the connection itself (400 answers,
            # upgrades, closing when idle) keeps the plain transport.
            self.cycle.transport = self._one_write  # type: ignore[assignment]
            extensions = self.scope.setdefault("extensions", {})  # type: ignore[typeddict-item]
            extensions[EXTENSION_KEY] = self._one_write.hold_head
