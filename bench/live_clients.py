"""N Server-Sent Events clients on one item, in one process of their own (for bench.live).

`python -m bench.live_clients --url http://127.0.0.1:8000 --item 42 --clients 1000 --out F`
opens N plain HTTP/1.1 connections to `/api/v1/items/<item>/stock/events` with asyncio
protocols (no HTTP library, no task per read: at 1,000 clients on the store's own two
cores the client's CPU is part of the measurement),
prints "ready N" once every client has its first event, and on SIGTERM writes
`{"clients": [[[eventID, received_unix_seconds], ...], ...], "failed": k}` to F.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import re
import signal
import sys
import time
from urllib.parse import urlsplit

_ID = re.compile(rb"\nid: ([0-9]+)\r?\n")


class SseClient(asyncio.Protocol):
    """One stream, read in the transport's callback: no task wakes per read (with
    StreamReader each received event cost the load generator ~17 µs of CPU, taken
    from the same two cores as the store it measures)."""

    def __init__(self, request: bytes, seen: list, first: asyncio.Event, done: asyncio.Future):
        self.request, self.seen, self.first, self.done = request, seen, first, done
        self.head: bytes | None = b""
        self.carry = b"\n"

    def connection_made(self, transport: asyncio.Transport) -> None:
        transport.write(self.request)

    def data_received(self, data: bytes) -> None:
        now = time.time()
        if self.head is not None:  # still reading the response head
            self.head += data
            end = self.head.find(b"\r\n\r\n")
            if end < 0:
                return
            if b" 200 " not in self.head.split(b"\r\n", 1)[0]:
                self._fail(RuntimeError(self.head[:200]))
                return
            data, self.head = self.head[end + 4 :], None
        data = self.carry + data
        for match in _ID.finditer(data):
            self.seen.append((int(match.group(1)), now))
            self.first.set()
        # Only complete lines are matched; the unfinished last line waits for the rest.
        self.carry = data[data.rfind(b"\n") :]

    def connection_lost(self, exc: Exception | None) -> None:
        self._fail(exc or ConnectionError("stream closed"))

    def _fail(self, exc: BaseException) -> None:
        if not self.done.done():
            self.done.set_exception(exc)


async def one_client(host: str, port: int, path: str, seen: list, first: asyncio.Event) -> None:
    """Follows the stream until it fails (raises) or the task is cancelled."""
    loop = asyncio.get_running_loop()
    request = (
        f"GET {path} HTTP/1.1\r\nHost: {host}:{port}\r\nAccept: text/event-stream\r\n\r\n"
    ).encode()
    done = loop.create_future()
    transport, _ = await loop.create_connection(
        lambda: SseClient(request, seen, first, done), host, port
    )
    try:
        await done
    finally:
        transport.close()


async def main_async(args: argparse.Namespace) -> None:
    url = urlsplit(args.url)
    path = f"/api/v1/items/{args.item}/stock/events"
    clients: list[list] = [[] for _ in range(args.clients)]
    firsts = [asyncio.Event() for _ in range(args.clients)]
    failed = 0
    tasks = []
    for k in range(args.clients):
        tasks.append(
            asyncio.create_task(one_client(url.hostname, url.port, path, clients[k], firsts[k]))
        )
        if k % 50 == 49:
            await asyncio.sleep(0.05)  # a ramp, not a SYN flood
    waiting = [asyncio.create_task(e.wait()) for e in firsts]
    done, _ = await asyncio.wait(waiting, timeout=args.connect_timeout)
    print(f"ready {len(done)}", flush=True)

    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    loop.add_signal_handler(signal.SIGTERM, stop.set)
    await stop.wait()
    for task in tasks:
        if task.done() and task.exception() is not None:
            failed += 1
        task.cancel()
    with open(args.out, "w") as out:
        json.dump({"clients": clients, "failed": failed, "connected": len(done)}, out)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--url", required=True)
    parser.add_argument("--item", type=int, required=True)
    parser.add_argument("--clients", type=int, default=1000)
    parser.add_argument("--connect-timeout", type=float, default=120.0)
    parser.add_argument("--out", required=True)
    args = parser.parse_args()
    try:
        import uvloop

        uvloop.install()
    except ImportError:
        pass
    asyncio.run(main_async(args))
    sys.exit(0)


if __name__ == "__main__":
    main()
