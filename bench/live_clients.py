"""N Server-Sent Events clients on one item, in one process of their own (for bench.live).

`python -m bench.live_clients --url http://127.0.0.1:8000 --item 42 --clients 1000 --out F`
opens N plain HTTP/1.1 connections to `/api/v1/items/<item>/stock/events` with asyncio
(no HTTP library: at 1,000 clients the client's own CPU is part of the measurement),
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


async def one_client(host: str, port: int, path: str, seen: list, first: asyncio.Event) -> None:
    reader, writer = await asyncio.open_connection(host, port)
    writer.write(
        f"GET {path} HTTP/1.1\r\nHost: {host}:{port}\r\nAccept: text/event-stream\r\n\r\n".encode()
    )
    await writer.drain()
    head = await reader.readuntil(b"\r\n\r\n")
    if b" 200 " not in head.split(b"\r\n", 1)[0]:
        raise RuntimeError(head[:200])
    carry = b"\n"
    while True:
        chunk = await reader.read(65536)
        if not chunk:
            raise ConnectionError("stream closed")
        now = time.time()
        data = carry + chunk
        for match in _ID.finditer(data):
            seen.append((int(match.group(1)), now))
            first.set()
        # Only complete lines are matched; the unfinished last line waits for the rest.
        carry = data[data.rfind(b"\n") :]


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
