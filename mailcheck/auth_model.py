"""E-mail authentication facts (SPF, DKIM, DMARC) and the names a campaign needs looked up.

``Facts.auth`` maps a lower-case domain to a :class:`DomainAuth`; the SPF, DKIM and DMARC
rule families read it, and reports can show it as found. Gathering fills it
(:mod:`mailcheck.net.auth`); rules never query DNS.
"""

from __future__ import annotations

import ipaddress
from dataclasses import dataclass, field
from email.parser import BytesHeaderParser
from email.utils import getaddresses, parseaddr
from typing import TYPE_CHECKING, Literal

if TYPE_CHECKING:
    from mailcheck.config import Config
    from mailcheck.domain_health import DomainHealth
    from mailcheck.facts import Facts
    from mailcheck.model import Campaign
    from mailcheck.spf import SpfResult, Step

LookupStatus = Literal["ok", "none", "error"]  # "error": DNS timeout/SERVFAIL, not verified


@dataclass
class SpfFacts:
    """The SPF record tree of one domain, walked statically (whatever the sending IP)."""

    domain: str
    status: LookupStatus  # "none": no SPF record at the domain
    records: tuple[str, ...] = ()  # every SPF record at the domain (SPF002 when > 1)
    dns_error: str = ""  # why the domain's record is unknown
    syntax_errors: list[str] = field(default_factory=list)  # anywhere in the tree (SPF005)
    limit_errors: list[str] = field(default_factory=list)  # loops, MX > 10 … (SPF003)
    unverified: list[str] = field(default_factory=list)  # includes that timed out / SERVFAIL
    lookups: int = 0  # DNS-mechanism terms in the whole tree, include/redirect included
    void_lookups: int = 0  # a/mx/exists targets with no data, the worse IP family's count
    void_lookups_ipv4: list[str] = field(default_factory=list)  # the terms, for an IPv4 sender
    void_lookups_ipv6: list[str] = field(default_factory=list)  # the terms, for an IPv6 sender
    plus_all_includes: list[str] = field(default_factory=list)  # "include:x" ending in +all
    all_qualifier: str | None = None  # of the record that ends the redirect chain
    has_redirect: bool = False
    chain: list[Step] = field(default_factory=list)  # records walked, in order
    # check_host() results keyed by "ip sender" (see :func:`spf_key`)
    evaluations: dict[str, SpfResult] = field(default_factory=dict)


@dataclass
class DkimKey:
    """The key record at ``selector._domainkey.domain``."""

    selector: str
    domain: str
    source: str  # "signature", "campaign", "config"
    status: Literal["ok", "missing", "revoked", "invalid", "error"]
    record: str = ""
    key_type: str = ""  # "rsa", "ed25519"
    bits: int | None = None  # RSA modulus size; 256 for ed25519
    testing: bool = False  # t=y
    error: str = ""
    nxdomain: bool = False  # missing because DNS said the name does not exist

    @property
    def name(self) -> str:
        return f"{self.selector}._domainkey.{self.domain}"


@dataclass
class DkimVerification:
    """dkimpy's verdict on one DKIM-Signature of a message."""

    domain: str
    selector: str
    ok: bool
    error: str = ""  # why not, as dkimpy says it
    dns_error: str = ""  # the key could not be fetched (timeout/SERVFAIL): not verified
    algorithm: str = ""  # a= of the signature, e.g. "rsa-sha256"


@dataclass
class DmarcFacts:
    domain: str  # the From domain
    org_domain: str
    status: LookupStatus  # "none": neither the domain nor its org domain has a record
    record_domain: str = ""  # where the record was found (domain or org domain)
    record: str = ""
    tags: dict[str, str] = field(default_factory=dict)
    errors: list[str] = field(default_factory=list)  # DMARC003: receivers discard the record
    warnings: list[str] = field(default_factory=list)  # DMARC003: a default is used instead
    policy: str | None = None  # effective for the From domain
    policy_tag: str = ""  # "p", "sp" or "np": which tag decided
    domain_exists: bool = True
    dns_error: str = ""

    @property
    def adkim(self) -> str:
        return self.tags.get("adkim", "r").lower()

    @property
    def aspf(self) -> str:
        return self.tags.get("aspf", "r").lower()

    @property
    def sampled_to_none(self) -> bool:
        """``quarantine`` with ``pct=0``: the policy applies to no message, and the next one
        down, ``none``, applies instead (RFC 7489 §6.6.4)."""
        pct = self.tags.get("pct", "100").strip()
        return self.policy == "quarantine" and pct.isdigit() and int(pct) == 0


@dataclass
class DomainAuth:
    """Everything gathered about one domain; parts are None when the domain did not need them."""

    domain: str
    org_domain: str
    spf: SpfFacts | None = None
    dmarc: DmarcFacts | None = None
    dkim: dict[str, DkimKey] = field(default_factory=dict)  # by selector
    # by message digest (see :func:`message_key`): the message's signatures with this d=
    verifications: dict[str, list[DkimVerification]] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)  # "not verified" information
    health: DomainHealth | None = None  # MX, MTA-STS, TLS-RPT, BIMI, blocklist answers


@dataclass(frozen=True)
class Signature:
    domain: str  # d=
    selector: str  # s=
    algorithm: str  # a=
    signed: frozenset[str] = frozenset()  # h=: the header fields it covers, lower-case


# --- what a campaign needs ------------------------------------------------------------------


def org_domain(domain: str) -> str:
    """The organisational domain (RFC 7489 §3.2) from the Public Suffix List shipped with
    ``publicsuffixlist`` (no download at run time); one list for the whole program."""
    from mailcheck.domains import org_domain as from_psl

    return from_psl(domain)


def ascii_domain(domain: str) -> str:
    """Lower case, no final dot, internationalised labels as IDNA A-labels: a From domain
    written магазин.рф and a DKIM d=xn--80aa… name the same domain."""
    labels = domain.strip().rstrip(".").lower().split(".")
    out = []
    for label in labels:
        if label.isascii():
            out.append(label)
            continue
        try:
            out.append(label.encode("idna").decode("ascii"))
        except UnicodeError:
            out.append(label)
    return ".".join(out)


def domain_of(address: str | None) -> str | None:
    if not address:
        return None
    addr = parseaddr(address)[1] or address.strip().strip("<>")
    if "@" not in addr:
        return None
    domain = addr.rsplit("@", 1)[1].strip().rstrip(".").lower()
    return domain or None


def envelope_sender(campaign: Campaign) -> str | None:
    """The envelope sender (Return-Path) when known, without angle brackets."""
    value = campaign.envelope_from
    if not value and campaign.headers:
        for key, header in campaign.headers.items():
            if key.lower() == "return-path":
                value = header
    if not value:
        return None
    addr = parseaddr(value)[1] or value.strip().strip("<>")
    return addr or None


def _header(campaign: Campaign, name: str) -> str:
    """A header of the campaign: ``[headers]`` of campaign.toml, else the test send's."""
    if campaign.headers:
        for key, header in campaign.headers.items():
            if key.lower() == name.lower():
                return header
    if campaign.raw_message:
        try:
            return str(BytesHeaderParser().parsebytes(campaign.raw_message).get(name, ""))
        except Exception:  # a broken message is INP001's business, not ours
            return ""
    return ""


def null_reverse_path(campaign: Campaign) -> bool:
    """Whether the envelope sender is known to be empty: ``Return-Path: <>`` (a bounce, an
    auto-reply). Receivers then check SPF on the HELO name (RFC 7208 §2.3, §2.4)."""
    return (campaign.envelope_from or _header(campaign, "Return-Path")).strip() == "<>"


def reply_to_domains(campaign: Campaign) -> list[str]:
    """The domains of the Reply-To addresses (replies go there), in order, once each."""
    value = _header(campaign, "Reply-To")
    found = [domain_of(addr) for _name, addr in getaddresses([value])] if value else []
    return list(dict.fromkeys(d for d in found if d))


def signatures(campaign: Campaign) -> list[Signature]:
    """The DKIM-Signature headers of a test send (or of ``[headers]``)."""
    return signatures_in(campaign.raw_message, campaign.headers)


def signatures_in(raw: bytes | None, headers: dict[str, str] | None) -> list[Signature]:
    values: list[str] = []
    if raw:
        try:
            msg = BytesHeaderParser().parsebytes(raw)
            values.extend(str(v) for v in msg.get_all("DKIM-Signature") or [])
        except Exception:  # a broken message is INP001's business, not ours
            values = []
    if not values and headers:
        values.extend(v for k, v in headers.items() if k.lower() == "dkim-signature")
    found: list[Signature] = []
    for value in values:
        tags = parse_tags(value)
        domain, selector = tags.get("d", "").lower().rstrip("."), tags.get("s", "")
        if domain and selector:
            covered = frozenset(h.strip().lower() for h in tags.get("h", "").split(":"))
            found.append(Signature(domain, selector, tags.get("a", "").lower(), covered - {""}))
    return list(dict.fromkeys(found))


def parse_tags(value: str) -> dict[str, str]:
    """``tag=value; …`` (RFC 6376 §3.2): whitespace around and inside values removed."""
    tags: dict[str, str] = {}
    for part in value.split(";"):
        if "=" not in part:
            continue
        key, _, val = part.partition("=")
        tags.setdefault(key.strip().lower(), "".join(val.split()))
    return tags


def configured_selectors(campaign: Campaign, config: Config) -> list[tuple[str, str]]:
    """(selector, source) pairs from campaign.toml and the configuration, in that order.

    The loader also lists a test send's signing selectors in ``campaign.dkim_selectors``;
    those are checked at their signature's d= domain, not here at the From domain.
    """
    signing = {s.selector.lower() for s in signatures(campaign)}
    out: list[tuple[str, str]] = []
    for sel in campaign.dkim_selectors:
        if sel.lower() not in signing:
            out.append((sel, "campaign"))
    for sel in config.dns.dkim_selectors:
        out.append((sel, "config"))
    seen: set[str] = set()
    unique = []
    for sel, src in out:
        if sel.lower() not in seen:
            seen.add(sel.lower())
            unique.append((sel, src))
    return unique


def sending_ips(campaign: Campaign, config: Config) -> list[str]:
    """IPs to evaluate SPF for: the .eml's Received chain, else the configured sending-ips.

    A configured CIDR is evaluated at its first address (the network address): SPF grants
    addresses, and checking every address of a range is neither feasible nor what the ESP
    sends from; the first address stands for the range.
    """
    found: list[str] = []
    for value in campaign.received_ips or list(config.dns.sending_ips):
        try:
            if "/" in value:
                found.append(str(ipaddress.ip_network(value.strip(), strict=False)[0]))
            else:
                found.append(str(ipaddress.ip_address(value.strip())))
        except ValueError:
            continue
    return list(dict.fromkeys(found))


def needs_dns(campaign: Campaign) -> bool:
    """Does the campaign have a sender domain or a DKIM signature to look up?"""
    if campaign.load_error is not None:
        return False
    return bool(campaign.from_domain or signatures(campaign) or spf_sender(campaign))


def spf_sender(campaign: Campaign) -> tuple[str, str] | None:
    """(MAIL FROM, its domain) for SPF: the envelope sender; for an empty one
    (``Return-Path: <>``) postmaster@HELO name, None when the HELO name is unknown; without a
    Return-Path, postmaster@From domain."""
    envelope = envelope_sender(campaign)
    domain = domain_of(envelope)
    if envelope and domain:
        return envelope, domain
    if null_reverse_path(campaign):
        # RFC 7208 §2.4: a null reverse-path makes the MAIL FROM identity postmaster@ the HELO
        # identity; the From domain is not what receivers check, whatever the HELO name
        helo = (campaign.helo or "").strip().rstrip(".").lower()
        return (f"postmaster@{helo}", helo) if helo else None
    if campaign.from_domain:
        return f"postmaster@{campaign.from_domain}", campaign.from_domain
    return None


def spf_key(ip: str, sender: str) -> str:
    return f"{ip} {sender.lower()}"


def message_key(raw: bytes) -> str:
    import hashlib  # here: only the DNS checks digest messages, an offline check never

    return hashlib.sha256(raw).hexdigest()[:16]


def lookup(facts: Facts, domain: str | None) -> DomainAuth | None:
    if not domain:
        return None
    found = facts.auth.get(domain.lower())
    return found if isinstance(found, DomainAuth) else None


def key_domains(from_domain: str) -> list[str]:
    """Where a configured selector's key may be: at the From domain, and at its
    organisational domain (an ESP signs news.shop.ru's mail d=shop.ru: aligned in DMARC's
    relaxed mode, the default)."""
    org = org_domain(from_domain)
    return [from_domain] if org.lower() == from_domain.lower() else [from_domain, org]


def configured_key(facts: Facts, from_domain: str, selector: str) -> DkimKey | None:
    """The key a configured selector signs with: the From domain's, or, when none is there,
    the organisational domain's (see :func:`key_domains`)."""
    keys = [
        key
        for name in key_domains(from_domain)
        if (found := lookup(facts, name)) is not None
        and (key := found.dkim.get(selector.lower())) is not None
    ]
    return next((k for k in keys if k.status != "missing"), keys[0] if keys else None)
