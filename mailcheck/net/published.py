"""Documents a sender domain publishes over HTTPS: the MTA-STS policy, the BIMI logo and its
certificate, fetched through the link checker's own client.

The same ``httpx`` client as the links (:func:`mailcheck.net.transport.make_client`): link
hosts' resolver (``[dns] nameservers``), proxies, TLS trust and the SSRF guard — a policy host
that resolves to a private address is not asked unless ``links.allow-private`` says so. Each
URL is fetched once per run with one GET: no redirect is followed (RFC 8461 §3.3 forbids it
for MTA-STS policies; a receiver fetching a BIMI logo should not be sent elsewhere either),
and the body is read up to a limit within one deadline (``links.timeout``).

With a :class:`mailcheck.net.documentcache.DocumentCache`, a document still fresh from an
earlier run is taken from it, and its host is not even resolved; the hosts of the documents
fetched are resolved through the run's :class:`mailcheck.net.dns.DnsClient` (when nameservers
are configured), so their A/AAAA answers are kept in the DNS cache like every other answer.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable

import httpx

from mailcheck.config import Config
from mailcheck.domain_health import Fetched
from mailcheck.net.dns import DnsClient
from mailcheck.net.documentcache import DocumentCache
from mailcheck.net.http import transport_failure, web_url
from mailcheck.net.linkcache import guard_mode
from mailcheck.net.transport import HostResolver, Unreachable, make_client

# How long a fetched document may be reused, from the document itself (an MTA-STS policy's
# max_age); None: as long as the cache's cap allows.
Lifetime = Callable[[Fetched], float | None]


class PublishedFetcher:
    """One run's fetches of published documents; the client is made on the first one."""

    def __init__(
        self, config: Config, dns: DnsClient | None = None, store: DocumentCache | None = None
    ) -> None:
        self._config = config
        self._dns = dns
        self._store = store
        self._client: httpx.AsyncClient | None = None
        self._pending: dict[str, asyncio.Task[Fetched]] = {}

    async def get(
        self, url: str, limit: int, *, version: str = "", lifetime: Lifetime | None = None
    ) -> Fetched:
        """``url`` fetched once however many domains or campaigns ask for it.

        ``version``: what announced the document (an MTA-STS record's ``id=``): a new one
        fetches it again however fresh the stored copy (RFC 8461 §3.3).
        """
        key = self._key(url, limit, version)
        task = self._pending.get(key)
        if task is None:
            task = asyncio.ensure_future(self._stored_or_fetched(key, url, limit, lifetime))
            self._pending[key] = task
        return await asyncio.shield(task)

    def _key(self, url: str, limit: int, version: str) -> str:
        return f"{limit}{guard_mode(self._config.links)} {url} {version}".rstrip()

    async def _stored_or_fetched(
        self, key: str, url: str, limit: int, lifetime: Lifetime | None
    ) -> Fetched:
        if self._store is not None:
            stored = self._store.get(key)
            if stored is not None:
                return stored
        fetched = await self._fetch(url, limit)
        if self._store is not None:
            self._store.put(key, fetched, lifetime(fetched) if lifetime else None)
        return fetched

    async def aclose(self) -> None:
        for task in self._pending.values():
            task.cancel()
        if self._client is not None:
            await self._client.aclose()

    def _open(self) -> httpx.AsyncClient:
        if self._client is None:
            # Through the run's DNS client, not one of the resolver's own: the hosts' answers
            # come from and go to the DNS cache like every other.
            resolver = HostResolver.configured(self._config, dns=self._dns)
            self._client = make_client(self._config.links, resolver)
        return self._client

    async def _fetch(self, url: str, limit: int) -> Fetched:
        try:
            target = web_url(url)
        except ValueError as exc:
            return Fetched(url, error=f"not a valid URL ({exc})", proof=True)
        if target.scheme != "https":
            return Fetched(url, error="not an https:// URL", proof=True)
        client = self._open()
        budget = self._config.links.timeout or None
        try:
            async with asyncio.timeout(budget):
                request = client.build_request("GET", target, headers={"Accept": "*/*"})
                response = await client.send(request, stream=True)
                try:
                    body, too_large = await _read(response, limit)
                finally:
                    await response.aclose()
        except (TimeoutError, httpx.TimeoutException):
            return Fetched(url, error=f"could not verify: no answer in {budget or 0:g} s")
        except Unreachable as exc:
            if exc.refused:  # the guard did not let us ask: says nothing about the domain
                return Fetched(url, error=f"could not verify: {exc.reason}")
            return Fetched(url, error=exc.reason, proof=exc.proof)
        except httpx.HTTPError as exc:
            failed = transport_failure(exc)
            return Fetched(url, error=failed.reason, proof=failed.proof)
        media = response.headers.get("content-type", "").partition(";")[0].strip().lower()
        return Fetched(
            url,
            status=response.status_code,
            content_type=media,
            location=response.headers.get("location", ""),
            body=body,
            too_large=too_large,
        )


async def _read(response: httpx.Response, limit: int) -> tuple[bytes, bool]:
    """At most ``limit`` bytes of the (decoded) body; True when there was more."""
    chunks: list[bytes] = []
    size = 0
    async for chunk in response.aiter_bytes():
        chunks.append(chunk)
        size += len(chunk)
        if size > limit:
            return b"".join(chunks)[:limit], True
    return b"".join(chunks), False
