"""A loopback HTTP server that answers 200 to everything and records each request."""

from __future__ import annotations

import http.server
import threading
from collections.abc import Iterator
from contextlib import contextmanager


class _Handler(http.server.BaseHTTPRequestHandler):
    hits: list[tuple[str, str]]

    def _answer(self) -> None:
        self.hits.append((self.command, self.path))
        self.send_response(200)
        self.send_header("Content-Type", "text/plain")
        self.send_header("Content-Length", "1")
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(b"x")

    do_GET = do_HEAD = do_POST = _answer

    def log_message(self, format: str, *args: object) -> None:
        pass


@contextmanager
def recording_server() -> Iterator[tuple[str, list[tuple[str, str]]]]:
    """(base URL, list of (method, path) received) on a free loopback port."""
    hits: list[tuple[str, str]] = []
    handler = type("Handler", (_Handler,), {"hits": hits})
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}", hits
    finally:
        server.shutdown()
        server.server_close()
