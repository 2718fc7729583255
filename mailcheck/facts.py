"""Network facts of a whole batch, gathered before any rule runs (gather, then judge).

The engine collects every unique URL and every DNS name of the batch, fetches each once,
concurrently, and hands rules this read-only view. Offline runs get an empty ``Facts`` and
network rules are not run at all.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

LinkVerdict = Literal[
    "ok",  # 2xx (after redirects)
    "broken",  # 4xx/5xx after retries
    "unreachable",  # DNS failure, refused, TLS error, timeout, SSRF guard
    "unverified",  # bot wall, 429 that never clears, unsubscribe that refuses HEAD
    "loop",  # redirect loop
    "too-many-redirects",
    "excluded",  # matched links.exclude: not requested
    "invalid",  # not a requestable URL
]
# Why a host, not its page, left a link "could not verify" (LinkResult.refusal): every link to
# the host shares the cause, so the rules report it once for the host
HostRefusal = Literal[
    "",  # the page's own answer (or no answer at all: the host failures of LNK002)
    "wall",  # bot protection: a challenge page (200 or not), 999, a WAF, robots refused
    "busy",  # 429 or 503 that did not clear: a rate limit or an outage
    "later",  # a 5xx with Retry-After: the server says to come back later
    "legal",  # 451: the site is blocked where this checker runs
]


@dataclass(frozen=True)
class Hop:
    """One response on the way to the final page: the URL requested and its status."""

    url: str
    status: int


@dataclass(frozen=True)
class LinkResult:
    url: str
    verdict: LinkVerdict
    status: int | None = None  # final HTTP status, None when no response
    reason: str = ""  # human-readable: "404 Not Found", "DNS lookup failed", …
    hops: tuple[Hop, ...] = ()  # every response on the way, redirects included
    final_url: str | None = None
    method: str = "HEAD"  # the method of the final answer ("" when nothing was requested)
    from_cache: bool = False
    checked_at: float = 0.0  # Unix time of the request (a cached result keeps its own)
    unsubscribe: bool = False  # requested as an unsubscribe link: HEAD only, never clicked
    no_dns: bool = False  # failed because DNS gave no answer for the host (not proof)
    # failed because DNS said a host on the way does not exist (NXDOMAIN): proof only when the
    # run's resolver proved that it answers names (DnsHealth.proved)
    nxdomain: bool = False
    # A page's 200 answer that is no picture: why an <img> of the same URL shows broken ("")
    not_image: str = ""
    # not requested: the host's name resolves to a non-public address here (the SSRF guard),
    # which may be this machine's DNS only (split-horizon, a VPN's fake IPs): not proof
    non_public: bool = False
    # an "unverified" answer the host gave for what it is, not for the page (HostRefusal)
    refusal: HostRefusal = ""
    # not answered before the run's ``links.deadline`` ran out: the run's cause, not the
    # host's nor the page's, so the rules report every such link of a campaign once
    out_of_time: bool = False

    @property
    def redirects(self) -> int:
        """How many redirect answers were met on the way."""
        return sum(300 <= h.status < 400 for h in self.hops)


@dataclass
class Facts:
    """Read-only network facts; rules look things up here and never fetch."""

    gathered: bool = False  # False in offline runs
    links: dict[str, LinkResult] = field(default_factory=dict)
    # Per-domain authentication facts (SPF, DKIM, DMARC), keyed by lower-case domain.
    # Filled by mailcheck.net.dns; the rule families define what they read from it.
    auth: dict[str, object] = field(default_factory=dict)
    # SpamAssassin scores (mailcheck.spam.SpamScore) by mailcheck.spam.spam_key, when configured
    spam: dict[str, object] = field(default_factory=dict)
    # why DNS answered none of the run's questions ("" when it answered): NET001's cause
    dns_silent: str = ""
    # why an NXDOMAIN of this run proves nothing ("" when it is proof): the resolver answered
    # no name at all, so it may say NXDOMAIN to every name (a resolver that blocks outside
    # names); rules then say "could not verify" instead of "does not exist"
    nxdomain_unproven: str = ""
    # Unix time the facts were gathered: how old a cached link answer was then
    gathered_at: float = 0.0

    def link(self, url: str) -> LinkResult | None:
        return self.links.get(url)
