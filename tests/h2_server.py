"""An HTTP/2-only HTTPS server on loopback (hypercorn, ALPN offering only ``h2``).

A client that cannot speak HTTP/2 gets no answer from it at all; the app records the HTTP
version of every request it serves.
"""

from __future__ import annotations

import asyncio
import socket
import threading
import time
from collections.abc import Awaitable, Callable, Iterator, MutableMapping
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from hypercorn.asyncio import serve
from hypercorn.config import Config

from tests.ports import free_port

Scope = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[MutableMapping[str, Any]]]
Send = Callable[[MutableMapping[str, Any]], Awaitable[None]]


class Http2Server:
    def __init__(self, certfile: Path, keyfile: Path) -> None:
        self.versions: list[str] = []
        self.port = free_port()
        self._config = Config()
        self._config.bind = [f"127.0.0.1:{self.port}"]
        self._config.certfile = str(certfile)
        self._config.keyfile = str(keyfile)
        self._config.alpn_protocols = ["h2"]
        self._config.loglevel = "WARNING"
        self._config.accesslog = None
        self._stop: asyncio.Event | None = None
        self._loop: asyncio.AbstractEventLoop | None = None
        self._ready = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    async def app(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            return
        self.versions.append(scope["http_version"])
        status = 200 if scope["path"].startswith("/ok") else 404
        await send({"type": "http.response.start", "status": status, "headers": []})
        await send({"type": "http.response.body", "body": b"<html>ok</html>"})

    def _run(self) -> None:
        async def main() -> None:
            self._stop = asyncio.Event()
            self._loop = asyncio.get_running_loop()
            self._ready.set()
            await serve(self.app, self._config, shutdown_trigger=self._stop.wait)  # type: ignore[arg-type]

        asyncio.run(main())

    def url(self, path: str) -> str:
        return f"https://localhost:{self.port}{path}"

    def start(self) -> Http2Server:
        self._thread.start()
        self._ready.wait(10)
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:  # serving once it accepts connections
            try:
                socket.create_connection(("127.0.0.1", self.port), timeout=1).close()
                return self
            except OSError:
                time.sleep(0.05)
        raise RuntimeError("hypercorn did not start")

    def stop(self) -> None:
        if self._loop is not None and self._stop is not None:
            self._loop.call_soon_threadsafe(self._stop.set)
        self._thread.join(10)


@contextmanager
def running_h2_server(certfile: Path, keyfile: Path) -> Iterator[Http2Server]:
    server = Http2Server(certfile, keyfile).start()
    try:
        yield server
    finally:
        server.stop()
