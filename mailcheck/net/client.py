"""The link checker's HTTP/1.1 client: h11 over asyncio streams, idle connections kept per host.

A link check asks one question per URL (status and headers, perhaps the first KB of an error
page), a thousand times in a row. httpx's client answers it through four layers (client,
transport, httpcore's pool, anyio) and spent ~1 ms of CPU on each request: on a 1,024-link
campaign the checker was CPU-bound at 1.1 s while the network needed 0.8 s. h11 (the HTTP/1.1
state machine httpcore itself uses) driven directly costs ~0.2 ms (bench/bench_links.py).

What this client does, and nothing more:

* every connection goes through the SSRF guard: the name is resolved here, the addresses are
  checked by the policy, and the socket connects to an address that was checked;
* keep-alive: a connection whose answer was read to its end goes back to an idle list for its
  origin; one that was cut short (a huge body) is closed. Idle connections are capped across
  all hosts (least recently used first) and dropped after ``KEEPALIVE`` seconds;
* a reused connection that the server had already closed is retried once on a fresh one;
* every failure is a :class:`Failure` with the verdict and a reason a person can act on.

Concurrency limits (global, per host) belong to the caller (:class:`mailcheck.net.http.Fetcher`).
"""

from __future__ import annotations

import asyncio
import os
import socket
import ssl
import time
from collections import OrderedDict
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from types import TracebackType

import h11

from mailcheck.facts import LinkVerdict
from mailcheck.net.ssrf import NameNotResolved, Policy, Resolver
from mailcheck.net.urls import Address

Origin = tuple[str, str, int]  # scheme, host as sent (punycode), port

IDLE_SOCKETS = 256  # keep-alive connections kept open across all hosts, at most
KEEPALIVE = 5.0  # seconds an idle connection is trusted to still be open
READ_SIZE = 65536
MAX_HEAD = 100 * 1024  # bytes of status line and headers accepted


def tls_context() -> ssl.SSLContext:
    """Certificates are verified against SSL_CERT_FILE / SSL_CERT_DIR when set (a company's own
    CA), else against certifi's bundle: the same on every machine, whatever the OS ships."""
    cafile = os.environ.get("SSL_CERT_FILE") or None
    capath = os.environ.get("SSL_CERT_DIR") or None
    if cafile is None and capath is None:
        import certifi

        cafile = certifi.where()
    return ssl.create_default_context(cafile=cafile, capath=capath)


class Failure(Exception):
    """No usable answer: the verdict and a reason the user can act on."""

    def __init__(
        self, verdict: LinkVerdict, reason: str, *, transient: bool, garbled: bool = False
    ) -> None:
        super().__init__(reason)
        self.verdict: LinkVerdict = verdict
        self.reason = reason
        self.transient = transient  # worth retrying
        self.garbled = garbled  # the server answered, but not in valid HTTP


class _Stale(Exception):
    """The connection failed before a byte of the answer arrived.

    On a reused keep-alive connection that is the server having closed it meanwhile (retried on
    a new one); on a new connection it is ``failure``.
    """

    def __init__(self, failure: Failure) -> None:
        super().__init__(failure.reason)
        self.failure = failure


def _reset() -> Failure:
    return Failure("unreachable", "connection reset by the server", transient=True)


def _hung_up() -> Failure:
    return Failure(
        "unreachable", "the server closed the connection without answering", transient=True
    )


@dataclass
class _Connection:
    reader: asyncio.StreamReader
    writer: asyncio.StreamWriter
    protocol: h11.Connection = field(
        # h11's default 16 KB for a response head is too small for some real sites (long
        # Content-Security-Policy and Set-Cookie headers); httpcore allows 100 KB too.
        default_factory=lambda: h11.Connection(h11.CLIENT, max_incomplete_event_size=MAX_HEAD)
    )
    idle_since: float = 0.0

    def usable(self, now: float) -> bool:
        # The loop reads every socket as data arrives, so a server's close has already reached
        # the reader as EOF: no need to poll the socket.
        return (
            now - self.idle_since < KEEPALIVE
            and not self.reader.at_eof()
            and not self.writer.is_closing()
        )

    def close(self) -> None:
        # waiting for the close handshake of a server that is gone would only add latency
        self.writer.close()


class Response:
    """An answer's status and headers; its body is read only on request, and only a little."""

    def __init__(
        self,
        client: LinkClient,
        origin: Origin,
        conn: _Connection,
        head: h11.Response,
        deadline: float | None,
    ) -> None:
        self.status = head.status_code
        self.deadline = deadline  # loop time the whole exchange must end by (None: no limit)
        headers: dict[str, str] = {}
        set_cookies: list[str] = []  # kept apart: their dates hold commas
        for name, value in head.headers:
            key = name.decode("latin-1")  # h11 gives names lower-cased
            text = value.decode("latin-1")
            headers[key] = f"{headers[key]}, {text}" if key in headers else text
            if key == "set-cookie":
                set_cookies.append(text)
        self.headers: Mapping[str, str] = headers
        self.set_cookies = tuple(set_cookies)
        self._client = client
        self._origin = origin
        self._conn: _Connection | None = conn
        self._complete = False

    async def read(self, limit: int, until: float | None = None) -> bytes:
        """At most ``limit`` bytes of the body, read until loop time ``until`` at the latest.

        Never raises: the status already says what matters and the page is only a hint. A body
        read to its end lets the connection be reused; anything else closes it.
        """
        conn = self._conn
        if conn is None:
            return b""
        chunks: list[bytes] = []
        size = 0
        try:
            async with asyncio.timeout_at(until):
                while size <= limit:
                    event = conn.protocol.next_event()
                    if event is h11.NEED_DATA:
                        conn.protocol.receive_data(await conn.reader.read(READ_SIZE))
                    elif isinstance(event, h11.Data):
                        chunks.append(bytes(event.data))
                        size += len(event.data)
                    elif isinstance(event, h11.EndOfMessage | h11.ConnectionClosed):
                        self._complete = True
                        break
        except (TimeoutError, OSError, h11.ProtocolError):
            pass
        return b"".join(chunks)[:limit]

    def close(self) -> None:
        """Hand the connection back for reuse when the exchange finished cleanly; else close it."""
        conn, self._conn = self._conn, None
        if conn is None:
            return
        proto = conn.protocol
        if self._complete and proto.our_state is h11.DONE and proto.their_state is h11.DONE:
            self._client._release(self._origin, conn)
        else:
            conn.close()


class LinkClient:
    """Sends one request at a time per connection; see the module's docstring."""

    def __init__(
        self,
        *,
        headers: Mapping[str, str],
        refuse: Policy | None,
        max_idle: int = IDLE_SOCKETS,
        ssl_context: ssl.SSLContext | None = None,
    ) -> None:
        """``refuse`` says why a host's addresses must not be contacted (None: allow all)."""
        self._headers = [(k.encode(), v.encode()) for k, v in headers.items()]
        self._refuse = refuse
        self._resolver = Resolver()
        self._ssl = ssl_context  # created on the first https URL: loading CAs takes a while
        self._max_idle = max(max_idle, 0)
        self._idle: OrderedDict[Origin, list[_Connection]] = OrderedDict()
        self._idle_count = 0

    async def __aenter__(self) -> LinkClient:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    def close(self) -> None:
        for conns in self._idle.values():
            for conn in conns:
                conn.close()
        self._idle.clear()
        self._idle_count = 0
        self._resolver.close()

    def idle_origins(self) -> list[Origin]:
        """Origins with open idle connections, least recently used first."""
        return list(self._idle)

    # --- one exchange ---------------------------------------------------------------------

    async def request(
        self,
        method: str,
        address: Address,
        *,
        timeout: float,
        headers: list[tuple[bytes, bytes]] | None = None,
        on_sent: Callable[[], None] | None = None,
    ) -> Response:
        """Send ``method`` to ``address`` and read the answer's head within ``timeout`` s (0: none).

        ``headers`` are sent besides the client's own (a Cookie, say); ``on_sent()`` is called
        once the request is on the wire.
        """
        origin: Origin = (address.scheme, address.host, address.port)
        target = address.target
        sent = [(b"Host", address.netloc), *self._headers, *(headers or ())]
        deadline = asyncio.get_running_loop().time() + timeout if timeout > 0 else None
        conn = self._reuse(origin, time.monotonic())
        if conn is not None:
            try:
                return await self._exchange(
                    origin, conn, method, target, sent, deadline, timeout, on_sent
                )
            except _Stale:
                pass
        conn = await self._connect(origin, deadline, timeout)
        try:
            return await self._exchange(
                origin, conn, method, target, sent, deadline, timeout, on_sent
            )
        except _Stale as stale:
            raise stale.failure from stale.__cause__

    async def _exchange(
        self,
        origin: Origin,
        conn: _Connection,
        method: str,
        target: bytes,
        headers: list[tuple[bytes, bytes]],
        deadline: float | None,
        timeout: float,
        on_sent: Callable[[], None] | None,
    ) -> Response:
        proto = conn.protocol
        received = False
        try:
            async with asyncio.timeout_at(deadline):
                try:
                    request = h11.Request(method=method, target=target, headers=headers)
                    conn.writer.write(
                        (proto.send(request) or b"") + (proto.send(h11.EndOfMessage()) or b"")
                    )
                    await conn.writer.drain()
                except (OSError, RuntimeError) as exc:
                    raise _Stale(_reset()) from exc
                if on_sent is not None:
                    on_sent()
                while True:
                    event = proto.next_event()
                    if event is h11.NEED_DATA:
                        try:
                            data = await conn.reader.read(READ_SIZE)
                        except OSError as exc:
                            if not received:
                                raise _Stale(_reset()) from exc
                            raise _reset() from exc
                        if not data and not received:
                            raise _Stale(_hung_up())
                        received = True
                        proto.receive_data(data)
                    elif isinstance(event, h11.Response):
                        return Response(self, origin, conn, event, deadline)
                    # an InformationalResponse (100 Continue, 103 Early Hints): wait for more
        except BaseException as exc:
            conn.close()
            if isinstance(exc, TimeoutError):
                raise Failure(
                    "unreachable",
                    f"timed out after {timeout:g} s waiting for an answer",
                    transient=True,
                ) from exc
            if isinstance(exc, h11.LocalProtocolError):
                raise Failure("invalid", f"cannot be requested: {exc}", transient=False) from exc
            if isinstance(exc, h11.RemoteProtocolError):
                raise Failure(
                    "unreachable",
                    f"bad answer from the server: {exc}",
                    transient=True,
                    garbled=True,
                ) from exc
            raise

    # --- connections ----------------------------------------------------------------------

    def _reuse(self, origin: Origin, now: float) -> _Connection | None:
        conns = self._idle.get(origin)
        while conns:
            conn = conns.pop()  # the most recently used: the likeliest to be still open
            self._idle_count -= 1
            if not conns:
                del self._idle[origin]
            if conn.usable(now):
                conn.protocol.start_next_cycle()
                return conn
            conn.close()
        return None

    def _release(self, origin: Origin, conn: _Connection) -> None:
        conn.idle_since = time.monotonic()
        self._idle.setdefault(origin, []).append(conn)
        self._idle.move_to_end(origin)
        self._idle_count += 1
        while self._idle_count > self._max_idle:
            oldest = next(iter(self._idle))
            conns = self._idle[oldest]
            conns.pop(0).close()
            self._idle_count -= 1
            if not conns:
                del self._idle[oldest]

    async def _connect(self, origin: Origin, deadline: float | None, timeout: float) -> _Connection:
        scheme, host, port = origin
        try:
            async with asyncio.timeout_at(deadline):
                addresses = await self._resolver.resolve(host, port)
        except TimeoutError as exc:
            raise Failure(
                "unreachable", f"timed out after {timeout:g} s looking up {host}", transient=True
            ) from exc
        except NameNotResolved as exc:
            raise Failure("unreachable", exc.reason, transient=False) from exc
        if self._refuse is not None:
            why = self._refuse(host, addresses)
            if why is not None:
                raise Failure("unreachable", why, transient=False)
        tls = None
        if scheme == "https":
            if self._ssl is None:
                self._ssl = tls_context()
            tls = self._ssl
        last: Failure | None = None
        for address in addresses:
            try:
                async with asyncio.timeout_at(deadline):
                    # TLS verifies the URL's host name (server_hostname), not the address.
                    reader, writer = await asyncio.open_connection(
                        str(address),
                        port,
                        ssl=tls,
                        server_hostname=host if tls is not None else None,
                        limit=READ_SIZE,
                    )
            except TimeoutError as exc:
                raise Failure(
                    "unreachable", f"timed out after {timeout:g} s connecting", transient=True
                ) from exc
            except ssl.SSLError as exc:
                raise Failure("unreachable", f"TLS error: {exc}", transient=False) from exc
            except ConnectionRefusedError as exc:
                last = Failure("unreachable", "connection refused", transient=False)
                last.__cause__ = exc
                continue
            except OSError as exc:
                if tls is not None and isinstance(exc, ConnectionResetError):
                    # a plain-HTTP server hanging up on a TLS hello
                    raise Failure(
                        "unreachable",
                        f"TLS error: the server reset the handshake ({exc})",
                        transient=False,
                    ) from exc
                last = Failure("unreachable", f"could not connect: {exc}", transient=False)
                last.__cause__ = exc
                continue
            sock = writer.get_extra_info("socket")
            if sock is not None:
                sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
            return _Connection(reader, writer)
        assert last is not None
        raise last
