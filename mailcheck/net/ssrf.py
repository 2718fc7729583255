"""The SSRF guard: never let a campaign's links make us connect to internal addresses.

A campaign is untrusted input, and mailcheck often runs inside CI next to metadata services and
internal dashboards. Every connection, for the first URL and for every redirect hop, is opened
by :class:`mailcheck.net.client.LinkClient`: it resolves the name with :class:`Resolver`, asks
the policy (:func:`refusal`: loopback, private, link-local, metadata and other non-public
addresses are refused unless ``links.allow-private``), and then connects to the very address
that was checked, so a DNS answer cannot change between check and use.
"""

from __future__ import annotations

import asyncio
import ipaddress
import socket
from collections.abc import Callable, Iterable
from concurrent.futures import ThreadPoolExecutor

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address

# Cloud instance-metadata endpoints (AWS, GCP, Azure, …; AWS's IPv6 one).
METADATA_ADDRESSES = frozenset(
    {ipaddress.ip_address("169.254.169.254"), ipaddress.ip_address("fd00:ec2::254")}
)


class NameNotResolved(Exception):
    """DNS gave no address for the host."""

    def __init__(self, host: str, detail: str) -> None:
        super().__init__(f"DNS lookup of {host} failed ({detail})")
        self.reason = str(self)


def why_refused(address: IPAddress) -> str | None:
    """Why ``address`` must not be contacted, or None for a public address."""
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        return why_refused(address.ipv4_mapped)
    if address in METADATA_ADDRESSES:
        return "a cloud metadata address"
    if address.is_loopback:
        return "a loopback address"
    if address.is_link_local:
        return "a link-local address"
    if address.is_unspecified:
        return "the unspecified address"
    if address.is_multicast:
        return "a multicast address"
    if address.is_private:
        return "a private address"
    if not address.is_global:
        return "a non-public address"
    return None


def refusal(host: str, addresses: Iterable[IPAddress]) -> str | None:
    """The reason to refuse ``host`` when any of its addresses is not public."""
    for address in addresses:
        why = why_refused(address)
        if why is not None:
            where = (
                f"{host} is"
                if host.strip("[]") == str(address)
                else (f"{host} resolves to {address},")
            )
            return (
                f"not requested: {where} {why}"
                " (set links.allow-private = true to check internal links)"
            )
    return None


Policy = Callable[[str, list[IPAddress]], str | None]


class Resolver:
    """Resolves each host once per run (the batch may hold hundreds of links per host)."""

    # The system resolver blocks a thread per lookup; the loop's default pool has only a few,
    # and a handful of names that take seconds to fail must not hold up every other host.
    THREADS = 32

    def __init__(self) -> None:
        self._answers: dict[tuple[str, int], asyncio.Future[list[IPAddress]]] = {}
        self._threads: ThreadPoolExecutor | None = None

    def close(self) -> None:
        if self._threads is not None:
            # a lookup still hanging in the system resolver must not keep the run waiting
            self._threads.shutdown(wait=False, cancel_futures=True)
            self._threads = None

    async def resolve(self, host: str, port: int) -> list[IPAddress]:
        key = (host.lower(), port)
        pending = self._answers.get(key)
        if pending is None:
            pending = asyncio.ensure_future(self._lookup(host, port))
            self._answers[key] = pending
        return await asyncio.shield(pending)

    async def _lookup(self, host: str, port: int) -> list[IPAddress]:
        literal = host.strip("[]")
        try:
            return [ipaddress.ip_address(literal)]
        except ValueError:
            pass
        if self._threads is None:
            self._threads = ThreadPoolExecutor(self.THREADS, thread_name_prefix="mailcheck-dns")
        loop = asyncio.get_running_loop()
        try:
            infos = await loop.run_in_executor(
                self._threads, socket.getaddrinfo, host, port, 0, socket.SOCK_STREAM
            )
        except (OSError, UnicodeError) as exc:
            raise NameNotResolved(host, getattr(exc, "strerror", None) or str(exc)) from exc
        found: list[IPAddress] = []
        for _family, _type, _proto, _name, sockaddr in infos:
            address = ipaddress.ip_address(str(sockaddr[0]).split("%", 1)[0])
            if address not in found:
                found.append(address)
        if not found:
            raise NameNotResolved(host, "no address")
        return found
