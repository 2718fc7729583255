"""The link checker's one ``httpx.AsyncClient``, with the SSRF guard in its network backend.

httpx speaks HTTP/1.1 and HTTP/2 (ALPN), decodes gzip/deflate/br bodies and pools connections
per origin. What mailcheck adds sits underneath, in :class:`GuardedBackend`, through which
httpcore opens every TCP connection:

* host names are resolved here: through ``[dns] nameservers`` (or ``$MAILCHECK_NAMESERVERS``)
  when set, so link hosts and SPF/DKIM/DMARC see one view of DNS; else the system resolver;
* every address is judged by :func:`mailcheck.net.ssrf.refusal` and the socket connects to an
  address that was judged: the guard sees what is really connected to, on every redirect hop;
* happy eyeballs (RFC 8305, through ``aiohappyeyeballs``): a dual-stack host whose IPv6 route
  is black-holed answers over IPv4 after 250 ms instead of after a timeout.

Redirects are followed by the caller, hop by hop; the transport hands it each ``Location`` as
a browser reads it (:func:`browser_location`).

Proxies (``HTTP(S)_PROXY``/``NO_PROXY`` from the environment, or ``links.proxy``): the backend
then connects to the proxy, which the user chose; the target is resolved and judged here first,
and a refused target is never sent to the proxy.

Failures come out as :class:`Unreachable`, with whether they prove the link dead (a name that
does not exist, a refused connection) or only that this machine could not tell (a resolver
timeout, no route): see :mod:`mailcheck.net.http`.
"""

from __future__ import annotations

import asyncio
import errno
import ipaddress
import os
import re
import socket
import ssl
import urllib.request
from collections.abc import Iterable
from dataclasses import dataclass, field
from http.cookiejar import CookieJar, DefaultCookiePolicy
from typing import TYPE_CHECKING

import aiohappyeyeballs
import anyio
import anyio.abc
import httpcore
import httpx
from httpcore._backends.anyio import AnyIOStream
from httpcore._backends.base import SOCKET_OPTION

from mailcheck.config import NAMESERVERS_ENV, Config, LinksConfig
from mailcheck.i18n import Joined, Message, t
from mailcheck.net.dnshealth import DnsHealth
from mailcheck.net.ssrf import IPAddress, refusal

if TYPE_CHECKING:
    from mailcheck.net.dns import DnsClient

HAPPY_EYEBALLS_DELAY = 0.25  # RFC 8305 §5: the next address is tried after 250 ms
# errno values that say this machine has no way out, not that the host is gone.
OWN_NETWORK = {errno.ENETUNREACH, errno.EHOSTUNREACH, errno.EADDRNOTAVAIL, errno.ENETDOWN}
URL_SCHEME = re.compile(r"[A-Za-z][A-Za-z0-9+.-]*")
# The response extension with a redirect's Location as the server sent it (for messages)
LOCATION_AS_SENT = "mailcheck.location_as_sent"
# ... and with a Location that is no web address (mailto:, tel:, javascript:), kept out of the
# headers: httpx would fail to build a next request for it (it never sends one anyway)
LOCATION_ELSEWHERE = "mailcheck.location_elsewhere"
# RFC 6761 §6.3: localhost names are the machine itself, whatever a nameserver says.
LOOPBACK = [ipaddress.ip_address("::1"), ipaddress.ip_address("127.0.0.1")]


class Unreachable(Exception):
    """No connection. ``proof``: the link is dead for everyone (not only for this machine)."""

    def __init__(
        self,
        reason: str,
        *,
        proof: bool,
        nxdomain: bool = False,
        refused: bool = False,
        no_dns: bool = False,
    ) -> None:
        super().__init__(reason)
        self.reason = reason
        self.proof = proof
        self.nxdomain = nxdomain  # proof only if the resolver answers other names
        self.refused = refused  # the SSRF guard would not connect: nothing was asked
        self.no_dns = no_dns  # the host's address lookup failed: DNS gave no usable answer


def tls_context() -> ssl.SSLContext:
    """Certificates are verified against SSL_CERT_FILE / SSL_CERT_DIR when set (a company's own
    CA), else against certifi's bundle: the same on every machine, whatever the OS ships."""
    cafile = os.environ.get("SSL_CERT_FILE") or None
    capath = os.environ.get("SSL_CERT_DIR") or None
    if cafile is None and capath is None:
        import certifi

        cafile = certifi.where()
    return ssl.create_default_context(cafile=cafile, capath=capath)


def _lookup_key(host: str, system: bool) -> str:
    """Which lookup answers ``host``: one per name, and the system resolver's apart."""
    name = host.lower().rstrip(".")
    return f"system {name}" if system else name


def lookup_failed(host: str, why: object) -> Message:
    """The reason a link is not verified when DNS gave no usable answer for its host."""
    return t("could not verify: DNS lookup of {host} failed ({why})", host=host, why=why)


def _retrieved(future: asyncio.Future[list[IPAddress]]) -> None:
    if not future.cancelled():
        future.exception()


@dataclass
class HostResolver:
    """Each link host resolved once per run, through the configured nameservers if any."""

    nameservers: tuple[str, ...] = ()
    timeout: float = 5.0
    _pending: dict[str, asyncio.Future[list[IPAddress]]] = field(default_factory=dict)
    # the client that asks the nameservers: a caller's (and so its DNS cache), else our own
    dns: DnsClient | None = None
    # whether DNS answers at all this run (shared with the run's other resolvers)
    health: DnsHealth = field(default_factory=DnsHealth)

    @classmethod
    def configured(
        cls, config: Config, dns: DnsClient | None = None, health: DnsHealth | None = None
    ) -> HostResolver:
        """Through ``[dns] nameservers`` (else ``$MAILCHECK_NAMESERVERS``), else the system's;
        ``health``: the run's (default: the client's, else a new one)."""
        nameservers = config.dns.nameservers
        if not nameservers:
            from_env = os.environ.get(NAMESERVERS_ENV, "")
            nameservers = tuple(ns.strip() for ns in from_env.split(",") if ns.strip())
        if health is None:
            health = dns.health if dns is not None else DnsHealth()
        return cls(nameservers, config.dns.timeout, dns=dns, health=health)

    async def resolve(self, host: str, *, system: bool = False) -> list[IPAddress]:
        """The addresses of ``host`` (``system``: through the system resolver, for a proxy)."""
        key = _lookup_key(host, system)
        pending = self._pending.get(key)
        if pending is None:
            name = host.lower().rstrip(".")
            pending = asyncio.ensure_future(self._lookup(name, system=system))
            # a request that stopped waiting (its own time out) leaves the lookup to finish:
            # its failure is taken here, not logged as an exception nobody retrieved
            pending.add_done_callback(_retrieved)
            self._pending[key] = pending
        return await asyncio.shield(pending)

    def still_looking_up(self, host: str) -> bool:
        """Whether ``host``'s address lookup (through the nameservers) is asked and not yet
        answered: a request that timed out meanwhile waited for DNS, not for the host."""
        pending = self._pending.get(_lookup_key(host, system=False))
        return pending is not None and not pending.done()

    async def _lookup(self, host: str, *, system: bool) -> list[IPAddress]:
        try:
            return [ipaddress.ip_address(host.strip("[]"))]
        except ValueError:
            pass
        if host == "localhost" or host.endswith(".localhost"):
            return list(LOOPBACK)
        if self.nameservers and not system:
            return await self._ask_nameservers(host)  # the DNS client notes what it proved
        found = await self._ask_system(host)
        if not self.nameservers:
            # an address from the resolver the run asks: its NXDOMAIN for another name is
            # proof (not from the system's, asked only for a proxy beside the nameservers)
            self.health.note_exists()
        return found

    async def _ask_nameservers(self, host: str) -> list[IPAddress]:
        if self.dns is None:
            from mailcheck.net.dns import DnsClient

            self.dns = DnsClient(self.nameservers, self.timeout, health=self.health)
        client = self.dns
        answers = await asyncio.gather(client.query(host, "AAAA"), client.query(host, "A"))
        found = [ipaddress.ip_address(a) for answer in answers for a in answer.records]
        if found:
            return found
        if any(answer.failed for answer in answers):
            errors = Joined("; ", dict.fromkeys(a.error for a in answers if a.failed))
            reason = lookup_failed(host, errors)
            raise Unreachable(reason, proof=False, no_dns=True)
        if all(answer.status == "nxdomain" for answer in answers):
            reason = t("DNS: {host} does not exist (NXDOMAIN)", host=host)
            raise Unreachable(reason, proof=True, nxdomain=True)
        raise Unreachable(
            t("DNS: {host} has no address (no A or AAAA record)", host=host), proof=True
        )

    async def _ask_system(self, host: str) -> list[IPAddress]:
        system = t("the system resolver")
        try:
            infos = await anyio.getaddrinfo(host, None, type=socket.SOCK_STREAM)
        except socket.gaierror as exc:
            if exc.errno in (socket.EAI_NONAME, getattr(socket, "EAI_NODATA", socket.EAI_NONAME)):
                self.health.note(system, heard=True)
                reason = t("DNS: {host} does not exist ({why})", host=host, why=exc.strerror)
                raise Unreachable(reason, proof=True, nxdomain=True) from exc
            self.health.note(system, heard=False)
            reason = lookup_failed(host, exc.strerror)
            raise Unreachable(reason, proof=False, no_dns=True) from exc
        except (OSError, UnicodeError) as exc:  # a name that cannot be asked, no resolver
            reason = lookup_failed(host, str(exc))
            raise Unreachable(reason, proof=False, no_dns=isinstance(exc, OSError)) from exc
        self.health.note(system, heard=True)
        found: list[IPAddress] = []
        for *_, sockaddr in infos:
            address = ipaddress.ip_address(str(sockaddr[0]).split("%", 1)[0])
            if address not in found:
                found.append(address)
        return found


def _is_address(host: str) -> bool:
    """Whether ``host`` is an IP address written out (``10.0.0.5``, ``[::1]``), not a name."""
    try:
        ipaddress.ip_address(host.strip("[]").split("%", 1)[0])
    except ValueError:
        return False
    return True


class GuardedBackend(httpcore.AsyncNetworkBackend):
    """Opens httpcore's TCP connections: resolve, judge every address, happy eyeballs."""

    def __init__(self, resolver: HostResolver, cfg: LinksConfig, *, guard: bool) -> None:
        self._resolver = resolver
        self._cfg = cfg
        self._guard = guard  # False for the connection to a proxy (its target was judged)

    async def judge(self, host: str) -> list[IPAddress]:
        """The host's addresses, or :class:`Unreachable` when the guard refuses one of them."""
        addresses = await self._resolver.resolve(host)
        why = refusal(
            host,
            addresses,
            allow_private=self._cfg.allow_private,
            allow_metadata=self._cfg.allow_metadata,
        )
        if why is not None:
            # an address written in the link is what every recipient gets; what a name
            # resolves to here may be this machine's DNS only (split-horizon, a VPN's fake IPs)
            raise Unreachable(why, proof=_is_address(host), refused=True)
        return addresses

    async def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,
        local_address: str | None = None,
        socket_options: Iterable[SOCKET_OPTION] | None = None,
    ) -> httpcore.AsyncNetworkStream:
        if self._guard:
            addresses = await self.judge(host)
        else:
            addresses = await self._resolver.resolve(host, system=True)
        infos = [
            (
                socket.AF_INET6 if address.version == 6 else socket.AF_INET,
                socket.SOCK_STREAM,
                socket.IPPROTO_TCP,
                "",
                (str(address), port, 0, 0) if address.version == 6 else (str(address), port),
            )
            for address in addresses
        ]
        try:
            with anyio.fail_after(timeout):
                sock = await aiohappyeyeballs.start_connection(
                    infos, happy_eyeballs_delay=HAPPY_EYEBALLS_DELAY, interleave=1
                )
        except TimeoutError as exc:
            raise httpcore.ConnectTimeout(f"timed out connecting to {host}") from exc
        except ConnectionRefusedError as exc:
            raise Unreachable(t("{host} refused the connection", host=host), proof=True) from exc
        except OSError as exc:
            if exc.errno in OWN_NETWORK or exc.errno is None:
                reason = t(
                    "could not verify: no route to {host} from this machine ({why})",
                    host=host,
                    why=str(exc),
                )
                raise Unreachable(reason, proof=False) from exc
            reason = t("could not connect to {host}: {why}", host=host, why=str(exc))
            raise Unreachable(reason, proof=True) from exc
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        return AnyIOStream(await anyio.abc.SocketStream.from_socket(sock))

    async def connect_unix_socket(
        self,
        path: str,
        timeout: float | None = None,
        socket_options: Iterable[SOCKET_OPTION] | None = None,
    ) -> httpcore.AsyncNetworkStream:
        raise Unreachable(t("unix sockets are never link targets"), proof=True)

    async def sleep(self, seconds: float) -> None:
        await anyio.sleep(seconds)


def proxy_for(url: httpx.URL, cfg: LinksConfig, environment: dict[str, str]) -> str | None:
    """The proxy for ``url``: ``links.proxy``, else HTTP(S)_PROXY; none where NO_PROXY says.
    ``environment``: ``urllib.request.getproxies_environment()``, read once per client (it
    scans the whole environment: per request it was a tenth of the link checker's CPU)."""
    if urllib.request.proxy_bypass_environment(url.host, environment):  # type: ignore[attr-defined]
        return None
    if cfg.proxy:
        return cfg.proxy
    return environment.get(url.scheme)


def backslashes_as_slashes(reference: str) -> str:
    """WHATWG URL: in an http(s) URL, and in a reference resolved against one, a ``\\``
    before the query is a ``/`` (so ``/\\host/path`` names another host, as in a browser).
    A reference with another scheme keeps its own rules."""
    scheme, sep, _ = reference.partition(":")
    if sep and URL_SCHEME.fullmatch(scheme) and scheme.lower() not in ("http", "https"):
        return reference
    before, query_sep, query = reference.partition("?")
    return before.replace("\\", "/") + query_sep + query


def browser_location(response: httpx.Response, base: httpx.URL) -> None:
    """Rewrite ``Location`` to the absolute URL a browser would go to: its bytes read as UTF-8
    (Russian sites send raw UTF-8 paths; httpx reads every header as Latin-1 once one of them
    is not UTF-8), other bytes percent-encoded as they are, backslashes as slashes, resolved
    against the request's URL. httpx builds the next request of every redirect even when it
    does not follow it, and raises on a Location it cannot parse: one that cannot be read at
    all is taken out of the headers, and one to another scheme (``mailto:``: no host, which
    httpx refuses) is kept in the extension :data:`LOCATION_ELSEWHERE`. The text as sent is
    kept in the extension :data:`LOCATION_AS_SENT` for the caller's messages."""
    raw = [value for name, value in response.headers.raw if name.lower() == b"location"]
    if not raw:
        return
    try:
        text = raw[0].decode("utf-8")
    except UnicodeDecodeError:  # (windows-1251 bytes): sent on percent-encoded, as browsers do
        text = "".join(chr(b) if b < 0x80 else f"%{b:02X}" for b in raw[0])
    del response.headers["location"]
    response.extensions[LOCATION_AS_SENT] = text
    try:
        target = base.join(backslashes_as_slashes(text.strip()))
    except httpx.InvalidURL:
        return
    if target.scheme in ("http", "https"):
        response.headers["Location"] = str(target)
    else:
        response.extensions[LOCATION_ELSEWHERE] = str(target)


class GuardedTransport(httpx.AsyncBaseTransport):
    """httpx's transport, with its connection pools built on :class:`GuardedBackend`: one pool
    per origin (scheme, host, port), one per proxy. httpcore's pool scans all its connections
    for every request it places; a single pool for every host of a batch spent half the link
    checker's CPU there (bench/bench_dedup.py)."""

    def __init__(self, cfg: LinksConfig, resolver: HostResolver) -> None:
        self._cfg = cfg
        self._environment = urllib.request.getproxies_environment()
        self._ssl = tls_context()
        self._direct_backend = GuardedBackend(resolver, cfg, guard=True)
        self._proxy_backend = GuardedBackend(resolver, cfg, guard=False)
        self._direct: dict[tuple[bytes, bytes, int | None], httpx.AsyncHTTPTransport] = {}
        self._proxied: dict[str, httpx.AsyncHTTPTransport] = {}

    def _transport(self, proxy: str | None) -> httpx.AsyncHTTPTransport:
        # an origin's pool needs no more connections than requests may be in flight to it
        most = max(self._cfg.concurrency if proxy else self._cfg.per_host, 1)
        limits = httpx.Limits(
            max_connections=most, max_keepalive_connections=most, keepalive_expiry=5.0
        )
        transport = httpx.AsyncHTTPTransport(
            verify=self._ssl, http2=True, limits=limits, proxy=proxy, trust_env=False
        )
        # httpx builds the pool (direct, or through the proxy); its connections go through us.
        pool = transport._pool
        pool._network_backend = self._proxy_backend if proxy else self._direct_backend
        return transport

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        proxy = proxy_for(request.url, self._cfg, self._environment)
        if proxy is None:
            origin = (request.url.raw_scheme, request.url.raw_host, request.url.port)
            transport = self._direct.get(origin)
            if transport is None:
                transport = self._direct[origin] = self._transport(None)
            response = await transport.handle_async_request(request)
        else:
            # The proxy would resolve the target itself: judge it here first.
            await self._direct_backend.judge(request.url.host)
            transport = self._proxied.get(proxy)
            if transport is None:
                transport = self._proxied[proxy] = self._transport(proxy)
            response = await transport.handle_async_request(request)
        browser_location(response, request.url)
        return response

    async def aclose(self) -> None:
        for transport in (*self._direct.values(), *self._proxied.values()):
            await transport.aclose()


def make_client(cfg: LinksConfig, resolver: HostResolver) -> httpx.AsyncClient:
    """The run's one client: our user agent, no automatic redirects or cookies, guarded."""
    return httpx.AsyncClient(
        transport=GuardedTransport(cfg, resolver),
        headers={"User-Agent": cfg.user_agent, "Accept": ACCEPT},
        follow_redirects=False,
        trust_env=False,  # proxies are the transport's business (it judges targets first)
        # The client keeps no cookie between links: each redirect chain has its own jar.
        cookies=CookieJar(policy=DefaultCookiePolicy(allowed_domains=[])),
        timeout=cfg.timeout or None,
    )


ACCEPT = "text/html,application/xhtml+xml,application/xml;q=0.9,image/*;q=0.8,*/*;q=0.5"
# What a page that turned the link checker away is asked again with (net/http.py): a recipient
# opens it in a browser, and some sites let nothing else in
BROWSER_HEADERS = {
    b"User-Agent": (
        b"Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
        b"Chrome/131.0.0.0 Safari/537.36"
    ),
    b"Accept-Language": b"ru,en;q=0.8",
}
