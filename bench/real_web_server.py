"""A loopback HTTPS "web" with the latencies and habits of real sites, for the link benchmark.

Run as its own process (it must not share the checker's CPU or GIL):

    python bench/real_web_server.py --hosts 40 --cert c.pem --key k.pem --seed 7

prints ``PORT n`` and serves HTTPS on 127.0.0.1 … 127.0.0.N, all on port n. Each host has its
own latency (per request: the host's median × a small jitter); the bench script draws them
(see ``host_profile``) and the server reads the same seeded draw, so both agree.

    /p/ID            200, a 30 KB HTML page
    /r/N/ID          302 to /r/N-1/ID … to /p/ID (a redirect chain on the same host)
    /c/ID?u=URL      the click tracker (host 1): 302 to URL
    /hang/ID         never answers (the client gives up)
    HEAD anything on a host that refuses HEAD: 405

``GET /__stats`` (on host 1) returns {"total": N} and ``/__reset`` zeroes it.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import random
import ssl
import sys
from dataclasses import dataclass
from urllib.parse import parse_qs, unquote, urlsplit

KEEPALIVE_IDLE = 5.0  # seconds an idle connection stays open (Apache's default KeepAliveTimeout)

PAGE = (
    "<!DOCTYPE html><html><head><meta charset='utf-8'><title>Товар — Магазин</title></head>"
    "<body>" + "<p>Описание товара, доставка и оплата.</p>" * 600 + "</body></html>"
).encode()


@dataclass(frozen=True)
class Host:
    latency: float  # seconds, median per request
    refuses_head: bool


def host_profile(hosts: int, seed: int) -> list[Host]:
    """Per-host latencies: log-normal, median 250 ms, p95 ~1.5 s; a few hosts at 3-8 s; 30 % of
    hosts refuse HEAD. Host 0 (127.0.0.1) is the click tracker: fast, and answers HEAD."""
    rng = random.Random(seed)
    profile = [Host(0.05, False)]
    slow = set(rng.sample(range(1, hosts), k=max(1, hosts // 20)))
    for i in range(1, hosts):
        latency = rng.uniform(3, 8) if i in slow else min(rng.lognormvariate(-1.386, 1.09), 2.5)
        profile.append(Host(latency, rng.random() < 0.3))
    return profile


class Web:
    def __init__(self, profile: list[Host], seed: int) -> None:
        self.profile = profile
        self.rng = random.Random(seed + 1)
        self.total = 0

    async def serve(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        host_index = int(writer.get_extra_info("sockname")[0].rsplit(".", 1)[1]) - 1
        host = self.profile[host_index]
        try:
            while True:
                try:
                    # an idle keep-alive connection is closed as real servers close it
                    async with asyncio.timeout(KEEPALIVE_IDLE):
                        head = await reader.readuntil(b"\r\n\r\n")
                except (
                    asyncio.IncompleteReadError,
                    asyncio.LimitOverrunError,
                    OSError,
                    TimeoutError,
                ):
                    return
                method, target = head.split(b"\r\n", 1)[0].decode("latin-1").split(" ")[:2]
                answer = await self.answer(host, method, target)
                if answer is None:
                    await reader.read()  # hang until the client gives up
                    return
                writer.write(answer)
                await writer.drain()
        except OSError:
            pass
        finally:
            writer.close()

    async def answer(self, host: Host, method: str, target: str) -> bytes | None:
        url = urlsplit(target)
        if url.path == "/__stats":
            return _response("200 OK", json.dumps({"total": self.total}).encode(), "GET")
        if url.path == "/__reset":
            self.total = 0
            return _response("200 OK", b"{}", "GET")
        self.total += 1
        await asyncio.sleep(host.latency * self.rng.uniform(0.8, 1.25))
        parts = url.path.split("/")
        if parts[1] == "hang":
            return None
        if method == "HEAD" and host.refuses_head:
            return _response("405 Method Not Allowed", b"", method)
        if parts[1] == "c":
            return _redirect(unquote(parse_qs(url.query)["u"][0]), method)
        if parts[1] == "r":
            left = int(parts[2]) - 1
            query = f"?{url.query}" if url.query else ""  # the UTMs stay
            return _redirect(
                (f"/r/{left}/{parts[3]}" if left else f"/p/{parts[3]}") + query, method
            )
        return _response("200 OK", PAGE, method)


def _response(status: str, body: bytes, method: str) -> bytes:
    head = (
        f"HTTP/1.1 {status}\r\nContent-Type: text/html; charset=utf-8\r\n"
        f"Content-Length: {len(body)}\r\n\r\n"
    ).encode()
    return head if method == "HEAD" else head + body


def _redirect(location: str, method: str) -> bytes:
    return f"HTTP/1.1 302 Found\r\nLocation: {location}\r\nContent-Length: 0\r\n\r\n".encode()


async def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--hosts", type=int, default=40)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--cert", required=True)
    parser.add_argument("--key", required=True)
    args = parser.parse_args()
    tls = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    tls.load_cert_chain(args.cert, args.key)
    web = Web(host_profile(args.hosts, args.seed), args.seed)
    first = await asyncio.start_server(web.serve, "127.0.0.1", 0, ssl=tls, backlog=1024)
    port = first.sockets[0].getsockname()[1]
    servers = [first]
    for i in range(2, args.hosts + 1):
        servers.append(
            await asyncio.start_server(web.serve, f"127.0.0.{i}", port, ssl=tls, backlog=1024)
        )
    print(f"PORT {port}", flush=True)
    sys.stdout.flush()
    await asyncio.gather(*(s.serve_forever() for s in servers))


if __name__ == "__main__":
    asyncio.run(main())
