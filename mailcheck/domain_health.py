"""A sender domain's health beyond SPF/DKIM/DMARC: MX, MTA-STS, TLS-RPT, BIMI and blocklists.

The facts are gathered with the batch's other DNS facts (:mod:`mailcheck.net.auth`) and judged
by the DOM rules; ``mailcheck domain`` shows them as the monthly domain check.

Blocklists (DNSBLs) are asked the way each list's usage policy describes: an IPv4 address is
looked up reversed under the list's zone (``2.0.0.127.zen.spamhaus.org``), a domain as a name
under it (``example.com.dbl.spamhaus.org``). An answer in 127.0.0.0/8 means "listed", except the
codes by which a list refuses to answer — Spamhaus ``127.255.255.252/254/255`` (typo, public or
open resolver, too many queries), URIBL and SURBL ``127.0.0.1`` (query refused) — which are
"could not verify", never "listed". Any other answer (a resolver that rewrites NXDOMAIN to an
advertising page) is also "could not verify". NXDOMAIN is "not listed".

Sources, by title: Spamhaus "Using our public mirrors — Return codes" and "Data Query Service
(DQS)"; URIBL "Usage Policy"; SURBL "Implementation guidelines"; RFC 5782 "DNS Blacklists and
Whitelists"; RFC 7505 "A Null MX"; RFC 8461 "SMTP MTA Strict Transport Security (MTA-STS)";
RFC 8460 "SMTP TLS Reporting"; the BIMI Group's "BIMI specification" (draft-brand-indicators).
"""

from __future__ import annotations

import ipaddress
import re
from dataclasses import dataclass, field
from http import HTTPStatus
from typing import TYPE_CHECKING, Literal

from mailcheck.auth_model import parse_tags
from mailcheck.i18n import N_, t

if TYPE_CHECKING:
    from mailcheck.config import Config
    from mailcheck.facts import Facts
    from mailcheck.mta_sts import Policy

ListKind = Literal["ip", "domain"]
ListingStatus = Literal["listed", "clean", "unverified"]


@dataclass(frozen=True)
class Blocklist:
    name: str  # shown: "Spamhaus ZEN"
    zone: str  # queried: "zen.spamhaus.org"
    kind: ListKind
    refusals: tuple[str, ...] = ()  # answers by which the list refuses to answer


_SPAMHAUS_REFUSALS = ("127.255.255.252", "127.255.255.254", "127.255.255.255")
IP_BLOCKLISTS = (
    Blocklist("Spamhaus ZEN", "zen.spamhaus.org", "ip", _SPAMHAUS_REFUSALS),
    Blocklist("SpamCop", "bl.spamcop.net", "ip"),
    Blocklist("Barracuda", "b.barracudacentral.org", "ip"),
)
DOMAIN_BLOCKLISTS = (
    Blocklist("Spamhaus DBL", "dbl.spamhaus.org", "domain", (*_SPAMHAUS_REFUSALS, "127.0.1.255")),
    Blocklist("SURBL", "multi.surbl.org", "domain", ("127.0.0.1",)),
    Blocklist("URIBL", "multi.uribl.com", "domain", ("127.0.0.1",)),
)
BY_ZONE = {b.zone: b for b in (*IP_BLOCKLISTS, *DOMAIN_BLOCKLISTS)}
DQS_ZONES = {"zen.spamhaus.org": "zen.dq.spamhaus.net", "dbl.spamhaus.org": "dbl.dq.spamhaus.net"}


def configured_blocklists(
    ip_zones: tuple[str, ...], domain_zones: tuple[str, ...]
) -> tuple[tuple[Blocklist, ...], tuple[Blocklist, ...]]:
    """The IP and domain lists to ask: the configured zones, else the built-in lists."""
    ips = tuple(blocklist(z, "ip") for z in ip_zones) or IP_BLOCKLISTS
    domains = tuple(blocklist(z, "domain") for z in domain_zones) or DOMAIN_BLOCKLISTS
    return ips, domains


def blocklist(zone: str, kind: ListKind) -> Blocklist:
    """A configured zone: a known list keeps its name and refusal codes."""
    known = BY_ZONE.get(zone.lower())
    return known if known else Blocklist(zone, zone.lower(), kind)


def query_name(listed: Blocklist, subject: str, dqs_key: str = "") -> str | None:
    """The name to ask for ``subject`` (an IP or a domain) on ``listed``; None: not askable."""
    zone = listed.zone
    if dqs_key and zone in DQS_ZONES:
        zone = f"{dqs_key}.{DQS_ZONES[zone]}"  # Spamhaus DQS: the key is the first label
    if listed.kind == "domain":
        return f"{subject}.{zone}"
    try:
        address = ipaddress.ip_address(subject)
    except ValueError:
        return None
    if address.version == 4:
        return ".".join(reversed(str(address).split("."))) + f".{zone}"
    nibbles = address.exploded.replace(":", "")
    return ".".join(reversed(nibbles)) + f".{zone}"


@dataclass(frozen=True)
class Listing:
    """One subject looked up on one list."""

    list_name: str
    subject: str  # the IP or domain looked up
    status: ListingStatus
    detail: str = ""  # the return code(s), or why it could not be verified


# A failed lookup's kind in words (the resolver's status names are mailcheck's own code)
_DNS_FAILURES = {
    "timeout": (N_("DNS timeout: {error}"), N_("DNS timeout")),
    "servfail": (N_("DNS server failure (SERVFAIL): {error}"), N_("DNS server failure (SERVFAIL)")),
    "invalid": (N_("invalid DNS answer: {error}"), N_("invalid DNS answer")),
}


def dns_failure(status: str, error: str = "") -> str:
    """Why a lookup told nothing, in words the reader's language can say."""
    with_error, alone = _DNS_FAILURES.get(status, ("DNS {status}: {error}", "DNS {status}"))
    return t(with_error, status=status, error=error) if error else t(alone, status=status)


def read_listing(
    listed: Blocklist, subject: str, status: str, records: tuple[str, ...], error: str = ""
) -> Listing:
    """Interpret a DNS answer from a blocklist (see the module's docstring)."""
    if status in ("nxdomain", "nodata"):
        return Listing(listed.name, subject, "clean")
    if status != "ok":
        return Listing(listed.name, subject, "unverified", dns_failure(status, error))
    refused = [r for r in records if r in listed.refusals]
    if refused:
        why = t("the list refused the query ({code})", code=refused[0])
        return Listing(listed.name, subject, "unverified", why)
    if not all(r.startswith("127.") for r in records):
        why = t("unexpected answer {records}", records=", ".join(records))
        return Listing(listed.name, subject, "unverified", why)
    return Listing(listed.name, subject, "listed", ", ".join(records))


@dataclass
class TagRecord:
    """A TXT record of tags (MTA-STS, TLS-RPT, BIMI): what was found and what is wrong."""

    status: str  # DNS status of the query
    record: str | None = None
    problem: str = ""  # why the record is invalid ("" when valid or absent)


def read_tag_record(
    status: str, txt: tuple[bytes, ...], version: str, required: tuple[str, ...]
) -> TagRecord:
    """The record starting ``v=<version>`` among the TXT strings, checked for its tags."""
    texts = [each.decode("utf-8", "replace") for each in txt]
    start = f"v={version.lower()}"
    mine = [text for text in texts if text.replace(" ", "").lower().startswith(start)]
    if status != "ok" or not mine:
        return TagRecord(status if status != "ok" else "nodata")
    if len(mine) > 1:
        return TagRecord("ok", mine[0], t("{count} records (exactly one allowed)", count=len(mine)))
    tags = parse_tags(mine[0])
    missing = [f"{tag}=" for tag in required if not tags.get(tag)]
    problem = t("missing {tags}", tags=", ".join(missing)) if missing else ""
    return TagRecord("ok", mine[0], problem)


_REPORT_URI = re.compile(
    r"^(?:mailto:[^@\s,]+@[^@\s,]+\.[^@\s,]+|https://[^/\s,]+\.[^/\s,]+(?:/\S*)?)$", re.I
)


def read_tls_rpt(status: str, txt: tuple[bytes, ...]) -> TagRecord:
    """The TLS-RPT record (RFC 8460 §3): ``rua=`` is one or more ``mailto:`` or ``https:``
    URIs, comma-separated; reports to any other scheme go nowhere."""
    found = read_tag_record(status, txt, "TLSRPTv1", ("rua",))
    if found.record is None or found.problem:
        return found
    uris = [u.strip() for u in parse_tags(found.record).get("rua", "").split(",")]
    bad = [u for u in uris if not _REPORT_URI.match(u)]
    if bad:
        found.problem = t("rua= {uris} is not a mailto: or https: URI", uris=", ".join(bad))
    return found


@dataclass(frozen=True)
class Fetched:
    """A document the domain publishes over HTTPS (MTA-STS policy, BIMI logo and certificate),
    as one GET answered: no redirect followed, the body read up to a limit."""

    url: str
    status: int | None = None  # None: no answer (see error)
    content_type: str = ""  # the media type, lower case, without parameters
    location: str = ""  # of a redirect
    body: bytes = b""
    too_large: bool = False  # the body went on past the limit (body holds the start)
    error: str = ""  # why there is no answer
    proof: bool = False  # the error holds for everyone, not only for this machine

    @property
    def reason(self) -> str:
        if self.status is None:
            return self.error
        try:
            return f"{self.status} {HTTPStatus(self.status).phrase}"
        except ValueError:
            return str(self.status)


@dataclass
class PolicyFile:
    """The MTA-STS policy file as a sending MTA would read it."""

    url: str
    text: str = ""  # as served (when it is text)
    problem: str = ""  # why senders cannot use it ("" when they can)
    unverified: str = ""  # why it could not be fetched from here (this machine's trouble)
    policy: Policy | None = None


@dataclass
class Judged:
    """A fetched document as its reader judges it (the BIMI logo, the mark certificate)."""

    url: str
    problems: list[str] = field(default_factory=list)  # what receivers would refuse
    unverified: str = ""  # why it could not be fetched from here (this machine's trouble)
    summary: str = ""  # what was found, when it is fine
    no_answer: bool = False  # the host proved to answer no one (no such name, refused, TLS)


@dataclass
class DomainHealth:
    domain: str
    mx_status: str = ""  # DNS status of the MX query
    mx: tuple[tuple[int, str], ...] = ()
    has_address: bool = False  # an A/AAAA record: the implicit MX (RFC 5321 §5.1)
    # each MX host: "ok" (it has an address), "none" (NXDOMAIN or no A/AAAA: certain),
    # "unverified" (the lookup failed)
    mx_hosts: dict[str, str] = field(default_factory=dict)
    mta_sts: TagRecord | None = None
    mta_sts_policy: PolicyFile | None = None  # fetched when the TXT record is valid
    tls_rpt: TagRecord | None = None
    bimi: TagRecord | None = None
    bimi_logo: Judged | None = None  # fetched when the BIMI record names one (l=)
    bimi_certificate: Judged | None = None  # fetched when the BIMI record names one (a=)
    listings: list[Listing] = field(default_factory=list)

    @property
    def null_mx(self) -> bool:
        """RFC 7505: "0 ." — the domain accepts no mail at all."""
        return len(self.mx) == 1 and self.mx[0][1] in ("", ".")

    @property
    def mail_hosts(self) -> list[str]:
        """The hosts senders deliver to: the MX hosts, else the domain itself (implicit MX)."""
        if self.null_mx:
            return []
        if self.mx:
            return [host.lower().rstrip(".") for _pref, host in sorted(self.mx)]
        return [self.domain] if self.has_address else []

    @property
    def dead_mx(self) -> list[str]:
        """MX hosts certain to have no address (senders cannot deliver to them)."""
        return [host for host, state in self.mx_hosts.items() if state == "none"]


def missing_domain_reported(facts: Facts, config: Config, domain: str | None) -> bool:
    """Whether DOM001 reports ``domain`` as not existing (NXDOMAIN), or as not verifiable
    (NXDOMAIN from a resolver that answered no name). Its missing SPF record (and its DMARC
    record, when it is its own organisational domain) are then that one root cause, not
    findings of their own — unless DOM001 is not selected, so nothing goes unsaid."""
    from mailcheck.auth_model import lookup

    found = lookup(facts, domain)
    health = found.health if found is not None else None
    if health is None or health.mx_status != "nxdomain":
        return False
    return config.selects("DOM001")
