"""SPF/DKIM/DMARC facts for the batch's sender domains, gathered before any rule judges.

One :class:`DnsClient` per run: every name is queried once however many campaigns share a
domain, and all lookups run concurrently. The result maps each lower-case domain to a
:class:`mailcheck.auth_model.DomainAuth`.
"""

from __future__ import annotations

import asyncio
import datetime
from collections.abc import Awaitable, Callable
from typing import TypeVar

from mailcheck.auth_model import (
    DomainAuth,
    SpfFacts,
    configured_selectors,
    key_domains,
    message_key,
    null_reverse_path,
    org_domain,
    parse_tags,
    reply_to_domains,
    sending_ips,
    signatures,
    signatures_in,
    spf_key,
    spf_sender,
)
from mailcheck.bimi import (
    CERTIFICATE_LIMIT,
    LOGO_LIMIT,
    judge_certificate,
    judge_logo,
    record_urls,
)
from mailcheck.config import Config, campaign_config
from mailcheck.dkim_keys import key_name, parse_key, verify_message
from mailcheck.dmarc import discover
from mailcheck.domain_health import (
    Blocklist,
    DomainHealth,
    Listing,
    configured_blocklists,
    query_name,
    read_listing,
    read_tag_record,
    read_tls_rpt,
)
from mailcheck.domains import host_of
from mailcheck.i18n import t
from mailcheck.linkinfo import is_web
from mailcheck.model import Campaign
from mailcheck.mta_sts import POLICY_LIMIT, judge_policy, policy_lifetime, policy_url
from mailcheck.net.dns import DnsClient
from mailcheck.net.dnscache import open_dns_cache
from mailcheck.net.dnshealth import DnsHealth
from mailcheck.net.documentcache import DocumentCache, open_document_cache
from mailcheck.net.published import PublishedFetcher
from mailcheck.spf import SpfResult, check_host
from mailcheck.spf_lint import walk_spf

T = TypeVar("T")


async def gather_auth(
    campaigns: list[Campaign],
    config: Config,
    *,
    use_cache: bool = True,
    health: DnsHealth | None = None,
) -> dict[str, object]:
    """Look up each sender domain's records once; keyed by lower-case domain.

    Answers still fresh from an earlier run come from the project's DNS cache, and the
    documents the domains publish over HTTPS from its document cache; without ``use_cache``
    every name is asked and every document fetched again, and both caches refreshed.
    ``health`` hears whether the nameservers answered at all.
    """
    max_ttl = config.dns.cache_max_ttl
    cache = open_dns_cache(config.state_dir, max_ttl, read=use_cache)
    client = DnsClient(config.dns.nameservers, config.dns.timeout, store=cache, health=health)
    stored = open_document_cache(config.state_dir, max_ttl, read=use_cache)
    try:
        return await collect_auth(campaigns, config, client, stored)
    finally:
        for kept in (cache, stored):
            if kept is not None:
                kept.save()
                kept.close()


class _Once:
    """Start each keyed job once and let every asker await the same task."""

    def __init__(self) -> None:
        self.tasks: dict[object, asyncio.Task[object]] = {}

    def run(self, key: object, make: Callable[[], Awaitable[T]]) -> asyncio.Task[T]:
        if key not in self.tasks:
            self.tasks[key] = asyncio.ensure_future(make())
        return self.tasks[key]  # type: ignore[return-value]


async def collect_auth(
    campaigns: list[Campaign],
    config: Config,
    client: DnsClient,
    stored: DocumentCache | None = None,
) -> dict[str, object]:
    """Like :func:`gather_auth`, with the caller's client (its counters stay readable): the
    published documents' hosts are resolved through it too; ``stored``: the document cache."""
    documents = PublishedFetcher(config, client, stored)
    try:
        return await _collect(campaigns, config, client, documents)
    finally:
        await documents.aclose()


async def _collect(
    campaigns: list[Campaign], config: Config, client: DnsClient, documents: PublishedFetcher
) -> dict[str, object]:
    auth: dict[str, DomainAuth] = {}
    once = _Once()
    jobs: list[Awaitable[None]] = []

    def domain(name: str) -> DomainAuth:
        name = name.lower()
        if name not in auth:
            auth[name] = DomainAuth(domain=name, org_domain=org_domain(name))
        return auth[name]

    async def spf_job(name: str) -> None:
        facts = await once.run(("spf", name), lambda: _walk_capped(client, name))
        domain(name).spf = facts

    async def dmarc_job(name: str) -> None:
        domain(name).dmarc = await once.run(("dmarc", name), lambda: discover(client, name))

    async def key_job(name: str, selector: str, source: str) -> None:
        answer = await client.query(key_name(selector, name), "TXT")
        holder = domain(name)
        found = holder.dkim.get(selector.lower())
        if found is None or (found.source != "signature" and source == "signature"):
            holder.dkim[selector.lower()] = parse_key(selector, name, source, answer)

    async def evaluate_job(name: str, ip: str, sender: str) -> None:
        result = await once.run(
            ("eval", ip, sender.lower()), lambda: _check_capped(client, ip, sender, name)
        )
        await spf_job(name)
        spf = domain(name).spf
        if spf is not None:
            spf.evaluations[spf_key(ip, sender)] = result

    async def verify_job(raw: bytes) -> None:
        names = {key_name(s.selector, s.domain) for s in signatures_in(raw, None)}
        answers = {n: await client.query(n, "TXT") for n in names}
        results = verify_message(raw, answers)
        digest = message_key(raw)
        for result in results:
            holder = domain(result.domain) if result.domain else None
            if holder is not None:
                holder.verifications.setdefault(digest, []).append(result)

    async def health_job(name: str, cfg: Config, ips: list[str], links: set[str]) -> None:
        holder = domain(name)
        if holder.health is None:
            holder.health = DomainHealth(name)  # claimed before the first await: asked once
            await read_health(client, holder.health)
            await read_published(documents, holder.health)
        if not cfg.dns.blocklists:
            return
        ip_lists, domain_lists = configured_blocklists(
            cfg.dns.ip_blocklists, cfg.dns.domain_blocklists
        )
        key = cfg.dns.spamhaus_dqs_key
        asks = [(name, listed, name) for listed in domain_lists]
        asks += [(name, listed, ip) for listed in ip_lists for ip in ips]
        asks += [(link, listed, link) for listed in domain_lists for link in sorted(links)]
        answers = await asyncio.gather(
            *(listing(listed, subject, key) for _, listed, subject in asks)
        )
        # kept in the order asked, not the order answered: every reader (rules, the domain
        # page, the report's records) sees the same order run after run
        for (owner, _, _), found in zip(asks, answers, strict=True):
            holder = domain(owner)
            if holder.health is None:
                holder.health = DomainHealth(owner)
            if found is not None and found not in holder.health.listings:
                holder.health.listings.append(found)

    async def envelope_job(name: str) -> None:
        """Whether the envelope sender's domain can receive mail (bounces; receivers that
        verify the sender domain): its MX and address records only."""
        holder = domain(name)
        if holder.health is None:
            holder.health = DomainHealth(name)
            await read_mail_hosts(client, holder.health)

    async def listing(listed: Blocklist, subject: str, key: str) -> Listing | None:
        name = query_name(listed, subject, key)
        if name is None:
            return None
        answer = await client.query(name, "A")
        return read_listing(listed, subject, answer.status, answer.records, answer.error)

    for campaign in campaigns:
        if campaign.load_error is not None:
            continue
        cfg = campaign_config(campaign, config)
        from_domain = campaign.from_domain
        if from_domain:
            links = {org_domain(h) for h in link_hosts(campaign)} - {org_domain(from_domain)}
            ips = sending_ips(campaign, cfg)
            jobs.append(health_job(from_domain, cfg, ips, links))
            jobs.append(spf_job(from_domain))
            jobs.append(dmarc_job(from_domain))
            selectors = configured_selectors(campaign, cfg)
            for selector, source in selectors:
                jobs += [key_job(name, selector, source) for name in key_domains(from_domain)]
            sigs = signatures(campaign)
            if not selectors and not sigs:
                domain(from_domain).notes.append(
                    t(
                        "DKIM not verified: no selector is known (no DKIM-Signature, "
                        "no dkim-selectors configured)"
                    )
                )
        for sig in signatures(campaign):
            jobs.append(key_job(sig.domain, sig.selector, "signature"))
        if campaign.helo:
            jobs.append(spf_job(campaign.helo))
        for replies in reply_to_domains(campaign):
            if replies != (from_domain or "").lower():
                # replies go there: DOM001 weighs a From domain that receives no mail by it
                jobs.append(envelope_job(replies))
        sender = spf_sender(campaign)
        if sender is not None:
            mail_from, sender_domain = sender
            jobs.append(spf_job(sender_domain))
            bounces = not null_reverse_path(campaign)  # postmaster@HELO receives no bounces
            if bounces and sender_domain.lower() != (from_domain or "").lower():
                jobs.append(envelope_job(sender_domain))
            for ip in sending_ips(campaign, cfg):
                jobs.append(evaluate_job(sender_domain, ip, mail_from))
        if campaign.raw_message and signatures(campaign):
            jobs.append(_verify_once(once, campaign.raw_message, verify_job))
    await asyncio.gather(*jobs)
    await _settle_nxdomain(client, list(auth.values()))
    return dict(auth)


async def _settle_nxdomain(client: DnsClient, held: list[DomainAuth]) -> None:
    """Whether a sender domain's NXDOMAIN is proof, when no answer of the run has shown a name
    to exist yet (:class:`mailcheck.net.dnshealth.DnsHealth`): a batch of one campaign without
    links asks only its own domain's names, and a domain that does not exist has none.

    Then the zone the domain would be in is asked, its public suffix (``ru``, ``co.uk``): it
    exists for certain when the domain could, so a resolver that answers it (a record, or
    NODATA) answers names, and its NXDOMAIN for the domain is proof. A resolver that says
    NXDOMAIN to every name (one that blocks outside names) says it there too, and the
    domain's NXDOMAIN proves nothing. Not the root zone: a resolver with a root of its own
    (an internal root, a split-horizon one) answers ``.`` and still no outside name."""
    if client.health.proved:
        return
    zones = {
        org_domain(holder.domain).partition(".")[2]
        for holder in held
        if holder.health is not None and holder.health.mx_status == "nxdomain"
    }
    await asyncio.gather(*(client.query(zone, "SOA") for zone in sorted(zones - {""})))


async def read_mail_hosts(client: DnsClient, health: DomainHealth) -> None:
    """MX (with the A/AAAA fallback) of one domain, and whether its MX hosts have addresses."""
    name = health.domain
    mx, a, aaaa = await asyncio.gather(
        client.query(name, "MX"), client.query(name, "A"), client.query(name, "AAAA")
    )
    health.mx_status = mx.status
    health.mx = mx.mx
    health.has_address = a.status == "ok" or aaaa.status == "ok"
    hosts = health.mail_hosts if health.mx else []
    found = await asyncio.gather(*(_address_state(client, host) for host in hosts))
    health.mx_hosts = dict(zip(hosts, found, strict=True))


async def read_health(client: DnsClient, health: DomainHealth) -> None:
    """MX (with the A/AAAA fallback), MTA-STS, TLS-RPT and BIMI records of one domain."""
    name = health.domain
    _, sts, rpt, bimi = await asyncio.gather(
        read_mail_hosts(client, health),
        client.query(f"_mta-sts.{name}", "TXT"),
        client.query(f"_smtp._tls.{name}", "TXT"),
        client.query(f"default._bimi.{name}", "TXT"),
    )
    health.mta_sts = read_tag_record(sts.status, sts.txt, "STSv1", ("id",))
    health.tls_rpt = read_tls_rpt(rpt.status, rpt.txt)
    health.bimi = read_tag_record(bimi.status, bimi.txt, "BIMI1", ())  # "l=;" declines


async def _address_state(client: DnsClient, host: str) -> str:
    """Whether an MX host has an address: "ok", "none" (certain) or "unverified"."""
    a, aaaa = await asyncio.gather(client.query(host, "A"), client.query(host, "AAAA"))
    if a.status == "ok" or aaaa.status == "ok":
        return "ok"
    if all(x.status in ("nxdomain", "nodata") for x in (a, aaaa)):
        return "none"
    return "unverified"


async def read_published(documents: PublishedFetcher, health: DomainHealth) -> None:
    """What the domain's records point to over HTTPS: the MTA-STS policy file when the TXT
    record announces one (RFC 8461 §3.3: a sender fetches it only then, and only for a valid
    record); the BIMI logo and mark certificate the BIMI record names."""
    jobs = []
    sts = health.mta_sts
    if sts is not None and sts.record is not None and not sts.problem:
        jobs.append(_policy_job(documents, health, parse_tags(sts.record).get("id", "")))
    bimi = health.bimi
    if bimi is not None and bimi.record is not None and not bimi.problem:
        logo, evidence = record_urls(bimi.record)
        if logo:  # "l=" empty: the domain declines to show a logo
            jobs.append(_logo_job(documents, health, logo))
        if evidence:
            jobs.append(_certificate_job(documents, health, evidence))
    await asyncio.gather(*jobs)


async def _policy_job(documents: PublishedFetcher, health: DomainHealth, policy_id: str) -> None:
    url = policy_url(health.domain)
    fetched = await documents.get(url, POLICY_LIMIT, version=policy_id, lifetime=policy_lifetime)
    health.mta_sts_policy = judge_policy(fetched)


async def _logo_job(documents: PublishedFetcher, health: DomainHealth, url: str) -> None:
    health.bimi_logo = judge_logo(await documents.get(url, LOGO_LIMIT))


async def _certificate_job(documents: PublishedFetcher, health: DomainHealth, url: str) -> None:
    fetched = await documents.get(url, CERTIFICATE_LIMIT)
    now = datetime.datetime.now(datetime.UTC)
    domain = health.domain
    health.bimi_certificate = judge_certificate(fetched, domain, org_domain(domain), now)


def link_hosts(campaign: Campaign) -> set[str]:
    """Hosts of the campaign's web links and images (for the domain blocklists)."""
    return {host_of(link.href) for link in campaign.all_links() if is_web(link.href)} - {""}


def _cap(client: DnsClient) -> float:
    """How long one SPF walk or evaluation may take in all: each query ends within the DNS
    timeout, and a tree is walked level by level, so a few timeouts' worth (RFC 7208 §4.6.4
    asks for a limit of at least 20 s on the whole evaluation)."""
    return max(4 * client.timeout, 2.0)


async def _walk_capped(client: DnsClient, name: str) -> SpfFacts:
    try:
        return await asyncio.wait_for(walk_spf(client, name), _cap(client))
    except TimeoutError:
        return SpfFacts(
            domain=name,
            status="error",
            dns_error=t(
                "the SPF record tree took longer than {seconds} s to look up",
                seconds=f"{_cap(client):g}",
            ),
        )


async def _check_capped(client: DnsClient, ip: str, sender: str, helo: str) -> SpfResult:
    try:
        return await asyncio.wait_for(check_host(client, ip, sender, helo), _cap(client))
    except TimeoutError:
        domain = sender.rpartition("@")[2] or helo
        return SpfResult(
            "temperror", domain, reason=f"SPF evaluation took longer than {_cap(client):g} s"
        )


def _verify_once(
    once: _Once, raw: bytes, verify: Callable[[bytes], Awaitable[None]]
) -> Awaitable[None]:
    return once.run(("verify", message_key(raw)), lambda: verify(raw))
