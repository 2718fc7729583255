"""httpx's transport rebuilt for a link checker: guarded connections, one small pool per host.

Two differences from ``httpx.AsyncHTTPTransport``:

* every connection goes through :class:`~mailcheck.net.ssrf.GuardedBackend` (the SSRF guard
  resolves the name and connects to the address it checked);
* connections are pooled per origin. httpcore's pool scans all its connections for every
  request, so one pool of a hundred keep-alive connections spends more time choosing a
  connection than the request takes; a pool per host holds only ``per-host`` connections.
  Pools of hosts no longer in use are closed (least recently used first), so a batch that
  links to a thousand hosts does not keep a thousand sets of sockets open.
"""

from __future__ import annotations

import ssl
from collections import OrderedDict
from collections.abc import AsyncIterator, Iterator
from contextlib import contextmanager

import httpcore
import httpx

from mailcheck.net.ssrf import GuardedBackend, Policy

Origin = tuple[bytes, bytes, int | None]

_HTTPCORE_TO_HTTPX: tuple[tuple[type[Exception], type[httpx.HTTPError]], ...] = (
    (httpcore.ConnectTimeout, httpx.ConnectTimeout),
    (httpcore.ReadTimeout, httpx.ReadTimeout),
    (httpcore.WriteTimeout, httpx.WriteTimeout),
    (httpcore.PoolTimeout, httpx.PoolTimeout),
    (httpcore.TimeoutException, httpx.TimeoutException),
    (httpcore.ConnectError, httpx.ConnectError),
    (httpcore.ReadError, httpx.ReadError),
    (httpcore.WriteError, httpx.WriteError),
    (httpcore.NetworkError, httpx.NetworkError),
    (httpcore.UnsupportedProtocol, httpx.UnsupportedProtocol),
    (httpcore.RemoteProtocolError, httpx.RemoteProtocolError),
    (httpcore.LocalProtocolError, httpx.LocalProtocolError),
    (httpcore.ProtocolError, httpx.ProtocolError),
)


@contextmanager
def _httpx_errors() -> Iterator[None]:
    """httpcore's exceptions as httpx's, as httpx's own transport does."""
    try:
        yield
    except (httpcore.ProtocolError, httpcore.NetworkError, httpcore.TimeoutException) as exc:
        for low, high in _HTTPCORE_TO_HTTPX:
            if isinstance(exc, low):
                raise high(str(exc) or type(exc).__name__) from exc
        raise
    except httpcore.UnsupportedProtocol as exc:
        raise httpx.UnsupportedProtocol(str(exc)) from exc


class _Pool:
    def __init__(self, pool: httpcore.AsyncConnectionPool) -> None:
        self.pool = pool
        self.busy = 0  # responses not yet closed


class _Body(httpx.AsyncByteStream):
    def __init__(self, response: httpcore.Response, owner: _Pool) -> None:
        self._response = response
        self._owner: _Pool | None = owner

    async def __aiter__(self) -> AsyncIterator[bytes]:
        with _httpx_errors():
            async for part in self._response.aiter_stream():
                yield part

    async def aclose(self) -> None:
        try:
            with _httpx_errors():
                await self._response.aclose()
        finally:
            if self._owner is not None:
                self._owner.busy -= 1
                self._owner = None


class GuardedTransport(httpx.AsyncBaseTransport):
    """Guarded connections, pooled per origin (see the module's docstring)."""

    def __init__(self, *, refuse: Policy | None, per_host: int = 8, max_pools: int = 32) -> None:
        self._backend = GuardedBackend(refuse=refuse)  # one resolver cache for all pools
        self._ssl: ssl.SSLContext | None = None  # loading the CA bundle takes a while
        self._per_host = max(per_host, 1)
        self._max_pools = max(max_pools, 1)
        self._pools: OrderedDict[Origin, _Pool] = OrderedDict()

    async def _pool_for(self, origin: Origin) -> _Pool:
        found = self._pools.get(origin)
        if found is not None:
            self._pools.move_to_end(origin)
            return found
        idle = [key for key, p in self._pools.items() if p.busy == 0]
        evicted = [
            self._pools.pop(key) for key in idle[: max(0, len(self._pools) + 1 - self._max_pools)]
        ]
        if origin[0] == b"https" and self._ssl is None:
            self._ssl = httpx.create_ssl_context()
        created = _Pool(
            httpcore.AsyncConnectionPool(
                ssl_context=self._ssl,
                max_connections=self._per_host,
                max_keepalive_connections=self._per_host,
                keepalive_expiry=5.0,
                network_backend=self._backend,
            )
        )
        # Registered before any await, so a concurrent request to this origin finds it.
        self._pools[origin] = created
        for old in evicted:
            await old.pool.aclose()
        return created

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        content = request.stream
        assert isinstance(content, httpx.AsyncByteStream)
        url = request.url
        low = httpcore.Request(
            method=request.method,
            url=httpcore.URL(
                scheme=url.raw_scheme, host=url.raw_host, port=url.port, target=url.raw_path
            ),
            headers=request.headers.raw,
            content=content,
            extensions=request.extensions,
        )
        owner = await self._pool_for((url.raw_scheme, url.raw_host, url.port))
        owner.busy += 1
        try:
            with _httpx_errors():
                response = await owner.pool.handle_async_request(low)
        except BaseException:
            owner.busy -= 1
            raise
        return httpx.Response(
            status_code=response.status,
            headers=response.headers,
            stream=_Body(response, owner),
            extensions=response.extensions,
        )

    async def aclose(self) -> None:
        pools = list(self._pools.values())
        self._pools.clear()
        try:
            for p in pools:
                await p.pool.aclose()
        finally:
            self._backend.close()
