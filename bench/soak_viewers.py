"""Viewers of live stock for bench.cluster, in a process of their own.

`python -m bench.soak_viewers --url http://127.0.0.1:8000 --items 3,4,5 --viewers 200 --out F`

Each viewer follows `/api/v1/items/<item>/stock/events` (items dealt round-robin) and,
when its stream breaks (a web instance killed, a 502 from the balancer), reconnects
after a short pause with `Last-Event-ID`, as a browser's EventSource does. Every second
the process writes `{"viewers": [[item, stock, eventID, connected, reconnects], ...]}`
to F (atomically), so the soak can compare each viewer's last seen stock with the
database while the viewers keep running. Stops on SIGTERM.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import signal
from dataclasses import dataclass
from urllib.parse import urlsplit

RECONNECT_SECONDS = 0.5


@dataclass
class Viewer:
    item: int
    stock: int | None = None
    event_id: str | None = None
    connected: bool = False
    reconnects: int = 0

    def row(self) -> list:
        return [self.item, self.stock, self.event_id, self.connected, self.reconnects]


async def follow_once(host: str, port: int, viewer: Viewer) -> None:
    """One connection: read events until the stream ends or fails."""
    reader, writer = await asyncio.open_connection(host, port)
    try:
        resume = f"Last-Event-ID: {viewer.event_id}\r\n" if viewer.event_id else ""
        writer.write(
            f"GET /api/v1/items/{viewer.item}/stock/events HTTP/1.1\r\nHost: {host}:{port}\r\n"
            f"Accept: text/event-stream\r\n{resume}\r\n".encode()
        )
        status = await reader.readline()
        if b" 200 " not in status:
            raise ConnectionError(status[:100])
        while (await reader.readline()) not in (b"\r\n", b"\n", b""):
            pass  # the response head
        viewer.connected = True
        event_id, data = None, None
        while line := await reader.readline():
            # Chunked framing lines (sizes, blanks) never start with these prefixes.
            text = line.decode(errors="replace").rstrip("\r\n")
            if not text:  # an event ends at a blank line
                event_id, data = None, None
            elif text.startswith("id:"):
                event_id = text[3:].strip()
            elif text.startswith("data:"):
                data = text[5:].strip()
            if data is not None and event_id is not None:
                viewer.stock = int(json.loads(data)["stock"])
                viewer.event_id = event_id
                event_id, data = None, None
    finally:
        viewer.connected = False
        writer.close()


async def follow(host: str, port: int, viewer: Viewer) -> None:
    while True:
        try:
            await follow_once(host, port, viewer)
        except (OSError, ValueError, KeyError, asyncio.IncompleteReadError):
            pass
        viewer.reconnects += 1
        await asyncio.sleep(RECONNECT_SECONDS)


def write_snapshot(path: str, viewers: list[Viewer]) -> None:
    with open(path + ".tmp", "w") as out:
        json.dump({"viewers": [v.row() for v in viewers]}, out)
    os.replace(path + ".tmp", path)


async def main_async(args: argparse.Namespace) -> None:
    url = urlsplit(args.url)
    items = [int(i) for i in args.items.split(",")]
    viewers = [Viewer(items[k % len(items)]) for k in range(args.viewers)]
    tasks = []
    for k, viewer in enumerate(viewers):
        tasks.append(asyncio.create_task(follow(url.hostname, url.port, viewer)))
        if k % 50 == 49:
            await asyncio.sleep(0.05)  # a ramp, not a SYN flood
    stop = asyncio.Event()
    asyncio.get_running_loop().add_signal_handler(signal.SIGTERM, stop.set)
    while not stop.is_set():
        write_snapshot(args.out, viewers)
        try:
            await asyncio.wait_for(stop.wait(), timeout=1.0)
        except TimeoutError:
            pass
    for task in tasks:
        task.cancel()
    write_snapshot(args.out, viewers)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--url", required=True)
    parser.add_argument("--items", required=True, help="comma-separated item ids")
    parser.add_argument("--viewers", type=int, default=200)
    parser.add_argument("--out", required=True)
    asyncio.run(main_async(parser.parse_args()))


if __name__ == "__main__":
    main()
