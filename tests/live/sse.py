"""A small Server-Sent Events reader for tests (httpx streaming, parsed by hand so the
test sees every line: ids, event names, data and heartbeat comments)."""

from __future__ import annotations

import json
import time
from dataclasses import dataclass, field

import httpx


@dataclass
class Event:
    id: str | None = None
    event: str = "message"
    data: str = ""
    comments: list[str] = field(default_factory=list)

    @property
    def json(self) -> dict:
        return json.loads(self.data)


class SseStream:
    def __init__(self, url: str, headers: dict[str, str] | None = None, timeout: float = 30.0):
        self._client = httpx.Client(timeout=httpx.Timeout(timeout, connect=10.0))
        self._cm = self._client.stream("GET", url, headers=headers or {})
        self.response = self._cm.__enter__()
        self._lines = self.response.iter_lines()

    def next(self, *, with_comments: bool = False, within: float | None = None) -> Event:
        """The next event; a block of only comments (a heartbeat) counts if asked for.
        `within`: seconds to wait for it, heartbeats notwithstanding (they keep the read
        itself from ever timing out)."""
        deadline = None if within is None else time.monotonic() + within
        event = Event()
        has_field = False
        for line in self._lines:
            if deadline is not None and time.monotonic() > deadline:
                raise TimeoutError(f"no event within {within} s")
            if line == "":
                if has_field or (with_comments and event.comments):
                    return event
                continue
            if line.startswith(":"):
                event.comments.append(line[1:].strip())
                continue
            name, _, value = line.partition(":")
            value = value[1:] if value.startswith(" ") else value
            has_field = True
            if name == "id":
                event.id = value
            elif name == "event":
                event.event = value
            elif name == "data":
                event.data = f"{event.data}\n{value}" if event.data else value
        raise EOFError("the stream ended")

    def close(self) -> None:
        self._cm.__exit__(None, None, None)
        self._client.close()

    def __enter__(self) -> SseStream:
        return self

    def __exit__(self, *exc) -> None:
        self.close()
