"""A benchmark HTTP server: listens on 127.0.0.1 … 127.0.0.N (one port), answers after a delay.

Run as a separate process so that it never competes with the checker for the GIL:

    python bench/http_bench_server.py --hosts 16 --delay 0.05   # prints "PORT 12345", serves

Every request to any path is answered ``200`` after ``--delay`` seconds (HTTP/1.1 keep-alive).
``GET /__stats`` returns {"total": N, "paths": {"host:port/path": count}} and ``GET /__reset``
zeroes the counters; neither is delayed nor counted.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
from collections import Counter

counts: Counter[str] = Counter()


def _response(status: str, body: bytes, head_only: bool) -> bytes:
    header = (
        f"HTTP/1.1 {status}\r\nContent-Type: text/html\r\nContent-Length: {len(body)}\r\n\r\n"
    ).encode()
    return header if head_only else header + body


async def handle(reader: asyncio.StreamReader, writer: asyncio.StreamWriter, delay: float) -> None:
    try:
        while True:
            try:
                head = await reader.readuntil(b"\r\n\r\n")
            except (asyncio.IncompleteReadError, asyncio.LimitOverrunError, ConnectionError):
                return
            request_line = head.split(b"\r\n", 1)[0].decode("latin-1")
            parts = request_line.split(" ")
            if len(parts) < 2:
                return
            method, path = parts[0], parts[1]
            length = 0
            host = ""
            for line in head.split(b"\r\n")[1:]:
                low = line.lower()
                if low.startswith(b"content-length:"):
                    length = int(line.split(b":", 1)[1])
                elif low.startswith(b"host:"):
                    host = line.split(b":", 1)[1].strip().decode("latin-1")
            if length:
                await reader.readexactly(length)
            if path == "/__stats":
                body = json.dumps({"total": sum(counts.values()), "paths": counts}).encode()
                writer.write(_response("200 OK", body, False))
            elif path == "/__reset":
                counts.clear()
                writer.write(_response("200 OK", b"{}", False))
            else:
                counts[host + path] += 1
                await asyncio.sleep(delay)
                writer.write(_response("200 OK", b"<html>ok</html>", method == "HEAD"))
            await writer.drain()
    except ConnectionError:
        pass
    finally:
        writer.close()


async def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--hosts", type=int, default=16)
    parser.add_argument("--delay", type=float, default=0.05)
    parser.add_argument("--port", type=int, default=0)
    args = parser.parse_args()
    hosts = [f"127.0.0.{i}" for i in range(1, args.hosts + 1)]
    first = await asyncio.start_server(
        lambda r, w: handle(r, w, args.delay), hosts[0], args.port, backlog=1024
    )
    port = first.sockets[0].getsockname()[1]
    servers = [first]
    for host in hosts[1:]:
        servers.append(
            await asyncio.start_server(
                lambda r, w: handle(r, w, args.delay), host, port, backlog=1024
            )
        )
    print(f"PORT {port}", flush=True)
    await asyncio.gather(*(s.serve_forever() for s in servers))


class BenchServer:
    """Start ``server.py`` in its own process; stats and reset over HTTP."""

    def __init__(self, hosts: int = 16, delay: float = 0.05) -> None:
        import subprocess
        from pathlib import Path

        self._proc = subprocess.Popen(
            [sys.executable, str(Path(__file__)), "--hosts", str(hosts), "--delay", str(delay)],
            stdout=subprocess.PIPE,
            text=True,
        )
        assert self._proc.stdout is not None
        line = self._proc.stdout.readline()
        if not line.startswith("PORT "):
            self._proc.kill()
            raise RuntimeError(f"bench server did not start: {line!r}")
        self.port = int(line.split()[1])
        self.hosts = hosts

    def url(self, host_index: int, path: str) -> str:
        return f"http://127.0.0.{host_index % self.hosts + 1}:{self.port}{path}"

    def _get(self, path: str) -> dict[str, object]:
        import urllib.request

        # a direct connection: a proxy from the environment must not see these
        opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
        with opener.open(f"http://127.0.0.1:{self.port}{path}", timeout=10) as answer:
            data: dict[str, object] = json.loads(answer.read())
            return data

    def stats(self) -> dict[str, object]:
        return self._get("/__stats")

    def total(self) -> int:
        total = self.stats()["total"]
        assert isinstance(total, int)
        return total

    def reset(self) -> None:
        self._get("/__reset")

    def stop(self) -> None:
        self._proc.terminate()
        self._proc.wait(10)

    def __enter__(self) -> BenchServer:
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()


if __name__ == "__main__":
    try:
        asyncio.run(main())
    except KeyboardInterrupt:
        sys.exit(0)
