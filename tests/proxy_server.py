"""An HTTP proxy on loopback for the link checker's proxy tests.

It tunnels ``CONNECT host:port`` (HTTPS through a proxy) and forwards absolute-form requests
(``GET http://host/path``, plain HTTP through a proxy), and records every request line it was
asked, so tests can assert what reached the proxy — and what never did.

``routes`` sends a ``host:port`` target to a loopback address and port instead (a policy host
on the fixed HTTPS port 443, served by a test server on a free port); every other target is
connected to as asked.
"""

from __future__ import annotations

import contextlib
import socket
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from urllib.parse import urlsplit


class LoopbackProxy:
    def __init__(self, routes: dict[str, tuple[str, int]] | None = None) -> None:
        self.asked: list[str] = []
        self.routes = routes or {}
        self._listener = socket.create_server(("127.0.0.1", 0))
        self.port = self._listener.getsockname()[1]
        self.url = f"http://127.0.0.1:{self.port}"
        self._closed = False
        threading.Thread(target=self._accept, daemon=True).start()

    def close(self) -> None:
        self._closed = True
        self._listener.close()

    def _accept(self) -> None:
        while not self._closed:
            try:
                conn, _ = self._listener.accept()
            except OSError:
                return
            threading.Thread(target=self._serve, args=(conn,), daemon=True).start()

    def _serve(self, conn: socket.socket) -> None:
        with conn:
            head = b""
            while b"\r\n\r\n" not in head:
                data = conn.recv(65536)
                if not data:
                    return
                head += data
            line, _, rest = head.partition(b"\r\n")
            method, target, version = line.decode("latin-1").split(" ", 2)
            self.asked.append(f"{method} {target}")
            if method == "CONNECT":
                host, _, port = target.rpartition(":")
                address = self.routes.get(target, (host.strip("[]"), int(port)))
                upstream = socket.create_connection(address)
                conn.sendall(b"HTTP/1.1 200 Connection established\r\n\r\n")
                leftover = rest.partition(b"\r\n\r\n")[2]
            else:
                url = urlsplit(target)
                upstream = socket.create_connection((url.hostname or "", url.port or 80))
                path = (url.path or "/") + (f"?{url.query}" if url.query else "")
                leftover = f"{method} {path} {version}\r\n".encode() + rest
            with upstream:
                if leftover:
                    upstream.sendall(leftover)
                back = threading.Thread(target=_pipe, args=(upstream, conn), daemon=True)
                back.start()
                _pipe(conn, upstream)
                back.join(timeout=5)


def _pipe(source: socket.socket, sink: socket.socket) -> None:
    with contextlib.suppress(OSError):
        while data := source.recv(65536):
            sink.sendall(data)
    with contextlib.suppress(OSError):
        sink.shutdown(socket.SHUT_WR)


@contextmanager
def running_proxy(routes: dict[str, tuple[str, int]] | None = None) -> Iterator[LoopbackProxy]:
    proxy = LoopbackProxy(routes)
    try:
        yield proxy
    finally:
        proxy.close()
