"""The run's DNS client: ``dns.asyncresolver`` with the configured nameservers and a cache.

Every (name, type) is sent to the network at most once per run: answers, NXDOMAIN, NODATA,
timeouts and SERVFAIL are all remembered, and concurrent askers of the same name share one
query in flight. SPF, DKIM and DMARC code asks through :meth:`DnsClient.query` and never sees
a dnspython exception: failures come back as an :class:`Answer` with a ``status``.

Nameservers are ``"host"``, ``"host:port"`` or ``"[v6 address]:port"``. None configured: the
comma-separated list in the environment variable ``MAILCHECK_NAMESERVERS`` when set (a CI
runner's local resolver; the test suite's loopback NSD), else the system resolver
(``/etc/resolv.conf``).

With a :class:`DnsStore` (the project's DNS cache, :mod:`mailcheck.net.dnscache`), answers
still fresh from an earlier run are taken from it instead of the network, and new answers are
handed to it with their TTL.
"""

from __future__ import annotations

import asyncio
import ipaddress
import os
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from typing import Literal, Protocol

import dns.asyncresolver
import dns.exception
import dns.message
import dns.name
import dns.nameserver
import dns.rdatatype
import dns.resolver
import dns.reversename
import dns.rrset

from mailcheck.config import NAMESERVERS_ENV, parse_nameserver
from mailcheck.i18n import t
from mailcheck.net.dnshealth import DnsHealth

Status = Literal["ok", "nxdomain", "nodata", "timeout", "servfail", "invalid"]
RecordType = Literal["A", "AAAA", "MX", "TXT", "PTR"]

# Routes one query to other nameservers; None keeps the configured ones. Used by tests that
# need a name to time out (a server that never answers) while NSD serves everything else.
Router = Callable[[str, str], Sequence[str] | None]

# Queries one client keeps in flight at once. A batch asks hundreds of names at the same
# moment, and a resolver drops what it cannot queue: a Linux socket's default receive buffer
# holds about 256 small datagrams, dnsmasq forwards at most 150 queries at a time; each query
# lost waits out the whole timeout. 64 at a 20 ms round trip are still 3,200 queries a second.
MAX_IN_FLIGHT = 64
# Timeouts after which nameservers that have answered nothing this run are taken for dead:
# later queries to them fail at once instead of waiting out the timeout a wave at a time
# (behind MAX_IN_FLIGHT, 700 queries to a dead resolver would take 11 timeouts in a row).
DEAD_AFTER = 3
# How long one attempt waits before the query is sent again, within the query's whole
# ``timeout``. UDP has no delivery guarantee: a query or answer lost on the way would otherwise
# cost the whole timeout and end "could not verify" for a name the resolver knows; with
# several nameservers, a dead first one would take all of it. 2 s is dnspython's own default
# per attempt, long enough for a recursive resolver's cold lookup.
ATTEMPT_TIMEOUT = 2.0


@dataclass(frozen=True)
class Answer:
    """The outcome of one query, cached for the run.

    ``records`` hold, by type: A/AAAA addresses as text; MX ``"pref host"`` pairs as
    ``(pref, host)`` tuples in ``mx``; TXT records as bytes with their strings joined without
    separators (RFC 7208 §3.3, RFC 6376 §3.6.2.2); PTR target names without the final dot.
    """

    name: str
    rdtype: str
    status: Status
    records: tuple[str, ...] = ()
    txt: tuple[bytes, ...] = ()
    mx: tuple[tuple[int, str], ...] = ()
    error: str = ""  # why, for timeout/servfail/invalid
    seconds: float = 0.0  # time the network query took (0 for a cache hit)

    @property
    def failed(self) -> bool:
        """A DNS error (timeout, SERVFAIL): the answer is unknown, not empty."""
        return self.status in ("timeout", "servfail")

    @property
    def void(self) -> bool:
        """NXDOMAIN or NODATA: the name answered with nothing (RFC 7208 §4.6.4)."""
        return self.status in ("nxdomain", "nodata")


@dataclass
class DnsStats:
    """Counters that show the one-query-per-name promise holds."""

    queries: int = 0  # sent to the network
    cache_hits: int = 0  # answered from the run's cache (including queries in flight)
    stored_hits: int = 0  # answered from the DNS cache of earlier runs
    query_seconds: float = 0.0  # sum of each network query's own duration
    by_key: dict[tuple[str, str], int] = field(default_factory=dict)


class DnsStore(Protocol):
    """Answers kept between runs, keyed by the nameservers asked, the name and the type."""

    def get(self, servers: str, name: str, rdtype: str) -> Answer | None: ...

    def put(self, servers: str, answer: Answer, ttl: float | None) -> None: ...


def to_dns_name(name: str) -> dns.name.Name:
    """An absolute name from text, label by label (no IDNA, no escapes: SPF targets may hold
    any visible character). Raises ValueError for an empty or over-long label or name."""
    text = name[:-1] if name.endswith(".") else name
    if not text:
        raise ValueError("empty name")
    labels = [_label(label) for label in text.split(".")]
    if any(not label for label in labels):
        raise ValueError(f"{name!r} has an empty label")
    if any(len(label) > 63 for label in labels):
        raise ValueError(f"{name!r} has a label longer than 63 octets")
    try:
        return dns.name.Name([*labels, b""])
    except dns.exception.DNSException as exc:
        raise ValueError(f"{name!r}: {exc}") from None


def _label(label: str) -> bytes:
    """A label as sent: IDNA A-label for an internationalised one (e-mail domains such as
    магазин.рф are published as xn--…), else its bytes as written."""
    if label.isascii():
        return label.encode("ascii")
    try:
        return label.encode("idna")
    except UnicodeError:
        return label.encode("utf-8", "surrogateescape")


class DnsClient:
    """One per run. ``query`` is safe to call from many tasks at once."""

    def __init__(
        self,
        nameservers: Sequence[str] = (),
        timeout: float = 5.0,
        *,
        router: Router | None = None,
        store: DnsStore | None = None,
        health: DnsHealth | None = None,
    ) -> None:
        self.timeout = timeout
        self.stats = DnsStats()
        self.health = health if health is not None else DnsHealth()
        self._router = router
        self._store = store
        self._cache: dict[tuple[str, str], asyncio.Future[Answer]] = {}  # tasks
        self._in_flight = asyncio.Semaphore(MAX_IN_FLIGHT)
        self._answered: set[str] = set()  # nameserver sets that answered something
        self._timeouts: dict[str, int] = {}  # per nameserver set
        if not nameservers:
            from_env = os.environ.get(NAMESERVERS_ENV, "")
            nameservers = tuple(ns.strip() for ns in from_env.split(",") if ns.strip())
        self._resolver = self._make_resolver(nameservers)
        self._routed: dict[tuple[str, ...], dns.asyncresolver.Resolver] = {}

    def _make_resolver(self, nameservers: Sequence[str]) -> dns.asyncresolver.Resolver:
        if nameservers:
            resolver = dns.asyncresolver.Resolver(configure=False)
            resolver.nameservers = [
                dns.nameserver.Do53Nameserver(*parse_nameserver(ns)) for ns in nameservers
            ]
        else:
            try:
                resolver = dns.asyncresolver.Resolver()
            except dns.resolver.NoResolverConfiguration:
                resolver = dns.asyncresolver.Resolver(configure=False)
                resolver.nameservers = ["127.0.0.1"]
        # each attempt waits ATTEMPT_TIMEOUT, then dnspython asks again (after a short back-off)
        # until the query's whole ``timeout`` is spent
        resolver.timeout = min(ATTEMPT_TIMEOUT, self.timeout)
        resolver.lifetime = self.timeout
        resolver.cache = None  # our own cache also remembers failures
        return resolver

    def _resolver_for(self, name: str, rdtype: str) -> dns.asyncresolver.Resolver:
        if self._router is not None:
            servers = self._router(name, rdtype)
            if servers is not None:
                key = tuple(servers)
                if key not in self._routed:
                    self._routed[key] = self._make_resolver(servers)
                return self._routed[key]
        return self._resolver

    async def query(self, name: str, rdtype: RecordType | str) -> Answer:
        """The answer for ``name``/``rdtype``; the network is asked once per run.

        The query runs in its own task: an asker that is cancelled (a time cap on an SPF
        walk) leaves it running for the others, and its answer still lands in the cache.
        """
        key = (name.lower().rstrip("."), rdtype.upper())
        task = self._cache.get(key)
        if task is None:
            task = asyncio.ensure_future(self._ask(key[0], key[1]))
            self._cache[key] = task
        else:
            self.stats.cache_hits += 1
        return await asyncio.shield(task)

    def cached(self, name: str, rdtype: str) -> Answer | None:
        """A finished answer from the cache, without asking (for synchronous callers)."""
        future = self._cache.get((name.lower().rstrip("."), rdtype.upper()))
        if future is None or not future.done() or future.cancelled():
            return None
        return future.result()

    async def _ask(self, name: str, rdtype: str) -> Answer:
        try:
            qname = to_dns_name(name)
        except ValueError as exc:
            return Answer(name, rdtype, "invalid", error=str(exc))
        resolver = self._resolver_for(name, rdtype)
        servers = ",".join(str(ns) for ns in resolver.nameservers)
        if self._store is not None:
            stored = self._store.get(servers, name, rdtype)
            if stored is not None:
                self.stats.stored_hits += 1
                self._note_exists(stored)  # the same nameservers said so, within its TTL
                return stored
        self.stats.queries += 1
        self.stats.by_key[(name, rdtype)] = self.stats.by_key.get((name, rdtype), 0) + 1
        async with self._in_flight:
            if servers not in self._answered and self._timeouts.get(servers, 0) >= DEAD_AFTER:
                error = t(
                    "no answer within {seconds} s (the nameservers {servers} have answered no "
                    "query of this run)",
                    seconds=f"{self.timeout:g}",
                    servers=servers,
                )
                return Answer(name, rdtype, "timeout", error=error)
            started = time.perf_counter()
            answer, ttl, heard = await self._resolve(resolver, qname, name, rdtype)
            spent = time.perf_counter() - started
        self.health.note(servers, heard=heard)
        self._note_exists(answer)
        if answer.status == "timeout":
            self._timeouts[servers] = self._timeouts.get(servers, 0) + 1
        else:
            self._answered.add(servers)
        self.stats.query_seconds += spent
        if self._store is not None:
            self._store.put(servers, answer, ttl)
        return replace(answer, seconds=spent)

    def _note_exists(self, answer: Answer) -> None:
        """An answer that shows a name exists proves the nameservers answer names: their
        NXDOMAIN for another name is proof (:class:`mailcheck.net.dnshealth.DnsHealth`)."""
        if answer.status in ("ok", "nodata"):
            self.health.note_exists()

    async def _resolve(
        self, resolver: dns.asyncresolver.Resolver, qname: dns.name.Name, name: str, rdtype: str
    ) -> tuple[Answer, float | None, bool]:
        """The answer, how long it may be kept (None: not at all, it is a failure) and whether
        a nameserver responded at all (a SERVFAIL is a response; a timeout is not)."""
        try:
            result = await resolver.resolve(
                qname, rdtype, raise_on_no_answer=False, search=False, lifetime=self.timeout
            )
        except dns.resolver.NXDOMAIN as exc:
            return Answer(name, rdtype, "nxdomain"), _negative_ttl(exc), True
        except dns.resolver.LifetimeTimeout as exc:
            error: str = t("no answer within {seconds} s", seconds=f"{self.timeout:g}")
            return Answer(name, rdtype, "timeout", error=error), None, _responded(exc)
        except dns.resolver.NoNameservers as exc:
            reason = _servfail_reason(exc)
            return Answer(name, rdtype, "servfail", error=reason), None, _responded(exc)
        except dns.exception.DNSException as exc:  # CNAME loops, malformed answers …
            error = str(exc) or type(exc).__name__
            return Answer(name, rdtype, "servfail", error=error), None, True
        except OSError as exc:  # unreachable nameserver, no route
            error = t("nameserver unreachable: {why}", why=str(exc))
            return Answer(name, rdtype, "servfail", error=error), None, False
        # dnspython's expiration: the smallest TTL of the answer and its CNAME chain, or for
        # NODATA the zone's negative TTL (RFC 2308 §5)
        ttl = max(result.expiration - time.time(), 0.0)
        if result.rrset is None or len(result.rrset) == 0:
            return Answer(name, rdtype, "nodata"), ttl, True
        return _records(name, rdtype, result.rrset), ttl, True


def _negative_ttl(exc: dns.resolver.NXDOMAIN) -> float | None:
    """How long an NXDOMAIN may be remembered: the SOA's negative TTL (RFC 2308 §5)."""
    ttls: list[float] = []
    for response in exc.responses().values():
        try:
            if isinstance(response, dns.message.QueryMessage):
                ttls.append(response.resolve_chaining().minimum_ttl)
        except dns.exception.DNSException:
            continue
    return min(ttls) if ttls else None


def _responded(exc: dns.exception.DNSException) -> bool:
    """Whether some nameserver sent a response (SERVFAIL, REFUSED …) on the way to this
    failure, not only timeouts or errors such as a refused connection or no route."""
    errors = exc.kwargs.get("errors") or []
    return any(isinstance(error[-1], dns.message.Message) for error in errors)


def _servfail_reason(exc: dns.resolver.NoNameservers) -> str:
    text = str(exc)
    for word in ("SERVFAIL", "REFUSED", "NOTIMP", "FORMERR"):
        if word in text:
            return t("the nameserver answered {code}", code=word)
    return t("no nameserver could answer")


def _records(name: str, rdtype: str, rrset: dns.rrset.RRset) -> Answer:
    if rdtype in ("A", "AAAA"):
        return Answer(name, rdtype, "ok", records=tuple(r.address for r in rrset))
    if rdtype == "TXT":
        return Answer(name, rdtype, "ok", txt=tuple(b"".join(r.strings) for r in rrset))
    if rdtype == "MX":
        pairs = tuple((int(r.preference), r.exchange.to_text(omit_final_dot=True)) for r in rrset)
        return Answer(name, rdtype, "ok", mx=pairs, records=tuple(h for _, h in pairs))
    if rdtype == "PTR":
        return Answer(
            name, rdtype, "ok", records=tuple(r.target.to_text(omit_final_dot=True) for r in rrset)
        )
    return Answer(name, rdtype, "ok", records=tuple(r.to_text() for r in rrset))


def reverse_name(ip: ipaddress.IPv4Address | ipaddress.IPv6Address) -> str:
    """The in-addr.arpa / ip6.arpa name of an address, without the final dot."""
    return dns.reversename.from_address(str(ip)).to_text(omit_final_dot=True)
