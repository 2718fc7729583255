"""DOM: the sender domain's health beyond SPF/DKIM/DMARC — MX, MTA-STS, TLS-RPT, BIMI, blocklists.

The facts come from :mod:`mailcheck.domain_health`, gathered with the batch's DNS facts. A
blocklist that refuses to answer (a public resolver, a missing Spamhaus DQS key) or a DNS
failure is "could not verify" (DOM005), never "listed" and never "clean".
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from mailcheck.auth_model import (
    DomainAuth,
    domain_of,
    envelope_sender,
    lookup,
    org_domain,
    reply_to_domains,
    sending_ips,
)
from mailcheck.domains import host_of
from mailcheck.i18n import Joined, t
from mailcheck.linkinfo import host_and_port, is_web
from mailcheck.model import Severity
from mailcheck.rules import NO_DNS, Context, Problem, host_down, host_unreached, rule

if TYPE_CHECKING:  # the DNS rules' modules load when a rule runs: an offline check skips them
    from mailcheck.domain_health import DomainHealth, Judged, Listing


def _sender_health(ctx: Context) -> DomainHealth | None:
    found: DomainAuth | None = lookup(ctx.facts, ctx.from_domain)
    return found.health if found else None


def _link_domains(ctx: Context) -> list[str]:
    hosts = {host_of(link.href) for link in ctx.all_links() if is_web(link.href)}
    return sorted({org_domain(h) for h in hosts if h})


def _listings(ctx: Context) -> list[Listing]:
    """Every listing answer about this campaign: its IPs, its sender and its link domains."""
    health = _sender_health(ctx)
    if health is None:
        return []
    ips = set(sending_ips(ctx.campaign, ctx.config))
    wanted = {health.domain, *ips}
    found = [item for item in health.listings if item.subject in wanted]
    for name in _link_domains(ctx):
        holder = lookup(ctx.facts, name)
        if holder is not None and holder.health is not None and name != health.domain:
            found += [item for item in holder.health.listings if item.subject == name]
    # the sender's and the link domains' listings, gathered per domain, merged in one order
    return sorted(found, key=lambda item: (item.subject, item.list_name))


@rule(
    "DOM001",
    "sender-domain-no-mx",
    Severity.ERROR,
    network=True,
    short="From domain cannot receive mail: NXDOMAIN, no MX and no A, no MX host resolves",
)
def sender_domain_no_mx(ctx: Context) -> Iterator[Problem]:
    """## What it does
    Reports a From domain that cannot receive mail: it does not exist, has neither an MX nor
    an address record, or none of its MX hosts has an address (error); or it publishes a null
    MX `0 .` (RFC 7505), saying it accepts no mail at all, or some of its MX hosts have no
    address (warning).

    The envelope sender's (Return-Path) domain, when it differs, is judged the same way:
    bounces go to it, and receivers that verify the sender domain (Postfix's
    `reject_unknown_sender_domain`; RFC 7505 §4.2 for a null MX) refuse mail from it.

    A domain that does not exist has no SPF record, no DKIM key and, as its own organisational
    domain, no DMARC record either: that is this one finding, not SPF001, DKIM001, DKIM004 and
    DMARC001 as well.

    A From domain with no MX and no address record is only a warning when it is a
    sending-only domain whose replies (Reply-To) and bounces (Return-Path) both go to domains
    that receive mail: nothing the recipient does is lost, and receivers check the envelope
    sender's domain, not the header From's MX.

    NXDOMAIN is proof only from a resolver that answers other names: when no answer of the
    run showed any name to exist (not a link host, not the domain's public suffix, asked
    then), the resolver may say NXDOMAIN to every name (one that blocks outside names), and
    it is one warning "could not verify" naming each such domain (From, Return-Path).

    When the MX lookup times out or gets SERVFAIL, it is a warning "could not verify" (folded
    into NET001 when DNS is down), unless SPF001 already says the lookup of the same name
    failed: one failed lookup, one finding.

    ## Why it matters
    Replies and bounces go nowhere, and many receivers reject mail whose sender domain cannot
    receive mail ("sender address rejected: domain not found", 550 5.7.27 for a null MX).

    ## Example
    `From: news@promo-acme.ru` where `promo-acme.ru` has no MX and no A record.

    ## How to fix
    Publish MX records for the sending domain (the ESP's inbound servers, or your own).
    """
    from_domain = (ctx.from_domain or "").lower()
    envelope = domain_of(envelope_sender(ctx.campaign))
    judged = [(_sender_health(ctx), "From")]
    if envelope and envelope != from_domain:
        found = lookup(ctx.facts, envelope)
        judged.append((found.health if found else None, "Return-Path"))
    # NXDOMAIN from a resolver that answered no name of the run: one cause, the resolver, so
    # one finding naming every domain it said NXDOMAIN for
    doubted = [
        (health, where)
        for health, where in judged
        if health is not None and _nxdomain_unproven(ctx, health)
    ]
    if doubted:
        yield Problem(
            t(
                "could not verify whether {domains} can receive mail or publish SPF and DMARC: "
                "DNS said NXDOMAIN, but {why}",
                domains=Joined(", ", [f"{health.domain} ({where})" for health, where in doubted]),
                why=ctx.facts.nxdomain_unproven,
            ),
            location=doubted[0][1],
            locations=tuple(where for _health, where in doubted),
            severity=Severity.WARNING,
        )
    said = {where for _health, where in doubted}
    for health, where in judged:
        if where not in said:
            yield from _cannot_receive(ctx, health, where)


def _nxdomain_unproven(ctx: Context, health: DomainHealth) -> bool:
    """Whether DNS said NXDOMAIN for the domain from a resolver that answered no name of the
    run at all (``Facts.nxdomain_unproven``): it may say so to every name, so it proves
    nothing."""
    return health.mx_status == "nxdomain" and bool(ctx.facts.nxdomain_unproven)


def _receives(ctx: Context, domain: str | None) -> bool:
    """Whether ``domain`` was seen to receive mail: a (non-null) MX with an address, or an
    address record standing in for it."""
    found = lookup(ctx.facts, domain)
    health = found.health if found else None
    if health is None or health.mx_status not in ("ok", "nodata") or health.null_mx:
        return False
    hosts = health.mail_hosts
    return bool(hosts) and len(health.dead_mx) < len(hosts)


def _no_mail_hosts(ctx: Context, name: str) -> Problem:
    """``name`` has neither MX nor address: an error, unless it is a sending-only From domain
    whose replies (Reply-To) and bounces (Return-Path) go to domains that receive mail — then
    nothing is lost, and receivers judge the envelope sender's domain, not the From's."""
    envelope = domain_of(envelope_sender(ctx.campaign))
    replies = reply_to_domains(ctx.campaign)
    if (
        name == (ctx.from_domain or "").lower()
        and replies
        and envelope
        and envelope != name
        and all(_receives(ctx, d) for d in (*replies, envelope))
    ):
        message = t(
            "{domain} has no MX and no address record: mail to it is lost, but replies go to "
            "the Reply-To domain {replies} and bounces to the Return-Path domain {envelope}, "
            "which receive mail (receivers judge the envelope sender's domain, not the From "
            "domain's MX)",
            domain=name,
            replies=", ".join(replies),
            envelope=envelope,
        )
        return Problem(message, location="From", severity=Severity.WARNING)
    message = t("{domain} has no MX and no address record: it cannot receive mail", domain=name)
    return Problem(message, location="From")


def _dns_failure_reported(ctx: Context, domain: str) -> bool:
    """Whether SPF001 (when selected) already says a lookup of ``domain`` failed: the MX
    lookup that failed at the same name is that one warning."""
    found = lookup(ctx.facts, domain)
    spf = found.spf if found else None
    if spf is None or spf.status != "error":
        return False
    return ctx.config.selects("SPF001")


def _cannot_receive(ctx: Context, health: DomainHealth | None, where: str) -> Iterator[Problem]:
    """DOM001's findings for the From domain, or the envelope sender's (Return-Path) domain:
    bounces go to it, and receivers that verify the sender domain (Postfix's
    reject_unknown_sender_domain, RFC 7505 §4.2 for a null MX) refuse mail from it."""
    if health is None or not health.mx_status:
        return
    name = health.domain
    if health.mx_status in ("timeout", "servfail"):
        if not _dns_failure_reported(ctx, name):
            yield Problem(
                t(
                    "could not verify that {domain} ({where}) can receive mail: its MX lookup "
                    "failed ({status})",
                    domain=name,
                    where=where,
                    status=health.mx_status,
                ),
                location=where,
                severity=Severity.WARNING,
                cause=NO_DNS,
            )
        return
    if where != "From":
        for problem in _cannot_receive(ctx, health, "From"):
            yield Problem(
                t(
                    "the envelope sender (Return-Path) domain: {message}; bounces are lost "
                    "and receivers that verify the sender domain refuse the mail",
                    message=problem.message,
                ),
                location=where,
                severity=problem.severity,
            )
        return
    if health.mx_status == "nxdomain":
        message = t(
            "{domain} does not exist (NXDOMAIN): it can neither receive mail nor publish SPF "
            "or DMARC",
            domain=name,
        )
        yield Problem(message, location="From")
    elif health.null_mx:
        yield Problem(
            t(
                "{domain} publishes a null MX (0 .): it accepts no mail, and receivers may "
                "reject mail from it",
                domain=name,
            ),
            location="From",
            severity=Severity.WARNING,
        )
    elif not health.mx and not health.has_address:
        yield _no_mail_hosts(ctx, name)
    elif dead := health.dead_mx:
        hosts = ", ".join(dead)
        if len(dead) == len(health.mail_hosts):
            message = t(
                "no MX host of {domain} has an address ({hosts}): it cannot receive mail",
                domain=name,
                hosts=hosts,
            )
            yield Problem(message, location="From")
        else:
            message = t(
                "MX {hosts} of {domain} has no address: senders fall back to its other MX hosts",
                domain=name,
                hosts=hosts,
            )
            yield Problem(message, location="From", severity=Severity.WARNING)


@rule(
    "DOM002",
    "domain-policy-record-invalid",
    Severity.WARNING,
    network=True,
    short="MTA-STS, TLS-RPT or BIMI record published but invalid",
)
def domain_policy_record_invalid(ctx: Context) -> Iterator[Problem]:
    """## What it does
    Reports an MTA-STS (`_mta-sts`), TLS-RPT (`_smtp._tls`) or BIMI (`default._bimi`) record
    of the From domain that is published but invalid: several records, a required tag
    missing (`id=` for MTA-STS, `rua=` for TLS-RPT), or a TLS-RPT `rua=` that is not a
    `mailto:` or `https:` URI. Absent records are not reported here; `mailcheck domain` lists
    them.

    ## Why it matters
    An invalid record is ignored by receivers: the domain believes it has TLS enforcement,
    TLS reports or a brand logo in the inbox, and has none of them.

    ## Example
    `_smtp._tls.acme.ru TXT "v=TLSRPTv1;"` (no `rua=`: reports go nowhere).

    ## How to fix
    Publish exactly one record with the required tags (RFC 8461, RFC 8460, the BIMI spec).
    """
    health = _sender_health(ctx)
    if health is None:
        return
    for label, record in (
        ("MTA-STS", health.mta_sts),
        ("TLS-RPT", health.tls_rpt),
        ("BIMI", health.bimi),
    ):
        if record is not None and record.problem:
            message = t(
                "{record} record of {domain}: {problem}",
                record=label,
                domain=health.domain,
                problem=record.problem,
            )
            yield Problem(message, location="DNS")


@rule(
    "DOM006",
    "mta-sts-policy-unusable",
    Severity.WARNING,
    network=True,
    short="MTA-STS policy file unreachable, not text/plain or invalid",
)
def mta_sts_policy_unusable(ctx: Context) -> Iterator[Problem]:
    """## What it does
    Reports an MTA-STS policy that senders cannot use: the `_mta-sts` TXT record announces
    one, but `https://mta-sts.<domain>/.well-known/mta-sts.txt` does not answer 200, redirects,
    is not served as `text/plain`, has an invalid certificate, or does not parse (`version:
    STSv1`, `mode: enforce|testing|none`, `max_age`, `mx:` patterns; RFC 8461 §3.2). When the
    policy could not be fetched from this machine (a timeout, no route), it says "could not
    verify" instead.

    ## Why it matters
    Senders treat an unusable policy as no policy (RFC 8461 §5): the domain believes inbound
    mail is protected by TLS enforcement and it is not, and a sender holding an older cached
    policy keeps applying that one. It is a warning: the campaign itself is delivered all the
    same, since MTA-STS protects mail *to* the domain (replies, bounces).

    ## Example
    `mta-sts.acme.ru` answers with the web site's 404 page (`text/html`).

    ## How to fix
    Serve the policy file at `https://mta-sts.<domain>/.well-known/mta-sts.txt` with a valid
    certificate for that name, as `text/plain`, without redirects; then change the `id=` of the
    TXT record so senders fetch it again.
    """
    health = _sender_health(ctx)
    found = health.mta_sts_policy if health else None
    if health is None or found is None:
        return
    if found.problem:
        message = t(
            "MTA-STS policy of {domain} {problem}: senders ignore it",
            domain=health.domain,
            problem=found.problem,
        )
        yield Problem(message, location=found.url, url=found.url)
    elif found.unverified:
        message = t(
            "could not verify the MTA-STS policy of {domain}: {reason}",
            domain=health.domain,
            reason=found.unverified,
        )
        yield Problem(message, location=found.url, url=found.url, unverified=True)


@rule(
    "DOM007",
    "mta-sts-mx-not-covered",
    Severity.WARNING,
    network=True,
    short="MX host not matched by the mx: patterns of the MTA-STS policy",
)
def mta_sts_mx_not_covered(ctx: Context) -> Iterator[Problem]:
    """## What it does
    Reports MX hosts of the From domain that no `mx:` pattern of its MTA-STS policy matches
    (RFC 8461 §4.1: `*.example.net` matches one extra label), when the policy's mode is
    `enforce` or `testing`.

    ## Why it matters
    In `enforce` mode, compliant senders (Gmail, Outlook.com, Yahoo) refuse to deliver to an MX
    host the policy does not list: replies and bounces to the domain are lost, or all inbound
    mail when no MX host matches. In `testing` mode mail still arrives, and would be refused
    the day the mode becomes `enforce`. It is a warning, not an error: it breaks mail *to* the
    domain, not the campaign's delivery to its recipients. A monthly domain check that must
    gate on it can raise it with `[severity] DOM007 = "error"`.

    ## Example
    MX `mx1.newhost.ru`, policy `mx: *.oldhost.ru` left from a change of mail provider.

    ## How to fix
    Add an `mx:` line for every MX host (or a `*.` pattern covering them) to the policy file,
    then change the `id=` of the `_mta-sts` TXT record so senders fetch the new policy.
    """
    from mailcheck.mta_sts import uncovered

    health = _sender_health(ctx)
    found = health.mta_sts_policy if health else None
    policy = found.policy if found else None
    if health is None or found is None or policy is None or policy.mode == "none":
        return
    hosts = health.mail_hosts
    missing = uncovered(policy, hosts)
    if not missing:
        return
    args = {
        "hosts": ", ".join(missing),
        "domain": health.domain,
        "patterns": ", ".join(policy.mx),
    }
    if policy.mode == "testing":
        message = t(
            "MX {hosts} of {domain} not matched by its MTA-STS policy (mx: {patterns}); mode "
            "testing: mail still arrives, and would be refused once the mode is enforce",
            **args,
        )
    elif len(missing) == len(hosts):
        message = t(
            "no MX host of {domain} ({hosts}) is matched by its MTA-STS policy (mx: {patterns}); "
            "mode enforce: compliant senders deliver no mail to the domain",
            **args,
        )
    else:
        message = t(
            "MX {hosts} of {domain} not matched by its MTA-STS policy (mx: {patterns}); mode "
            "enforce: compliant senders skip these hosts",
            **args,
        )
    yield Problem(message, location="DNS", url=found.url)


def _judged(found: Judged | None, domain: str, what: str) -> Iterator[Problem]:
    """One finding for a fetched document: every problem of it, or why it was not verified.
    A host proven to answer no one (no such name, refused), or that answered this machine
    nothing (a timeout: "could not verify"), is one finding with the other documents on it
    (mailcheck.rootcause): the logo and the certificate are often on one host."""
    if found is None:
        return
    shown = host_and_port(found.url)
    cause = ""
    if shown and found.no_answer:
        cause = host_down(shown)
    elif shown and found.unverified:
        # a document is unverified only when its GET got no answer at all (bimi._answered)
        cause = host_unreached(shown)
    if found.problems:
        problems = Joined("; ", found.problems)
        message = t("{what} of {domain}: {problems}", what=what, domain=domain, problems=problems)
        yield Problem(message, location=found.url, url=found.url, cause=cause)
    elif found.unverified:
        message = t(
            "could not verify the {what} of {domain}: {reason}",
            what=what,
            domain=domain,
            reason=found.unverified,
        )
        yield Problem(message, location=found.url, url=found.url, cause=cause, unverified=True)


@rule(
    "DOM008",
    "bimi-logo-invalid",
    Severity.WARNING,
    network=True,
    short="BIMI logo unreachable, or not SVG Tiny PS (tiny-ps, title, no script, square)",
)
def bimi_logo_invalid(ctx: Context) -> Iterator[Problem]:
    """## What it does
    Fetches the logo the From domain's BIMI record names (`l=`) and reports one that cannot
    be fetched or is not in the SVG Tiny Portable/Secure profile: root `<svg>` without
    `version="1.2"` and `baseProfile="tiny-ps"`, no `<title>`, a script or event handler,
    animation, an external reference or embedded image, `x=`/`y=` on the root, a view that is
    not square, or a file over 32 KB. A logo and a mark certificate (DOM009) on one host
    that does not exist or refuses, or that answered nothing here ("could not verify"), are
    one finding, this one.

    ## Why it matters
    Receivers that support BIMI (Gmail, Apple Mail, Yahoo, Mail.ru) show no logo beside the
    campaign when the file is refused: the brand pays for a record and a certificate and gets
    the grey initial. A warning: the mail is delivered either way.

    ## Example
    `l=https://acme.ru/logo.svg` serving an SVG exported from a design tool with
    `version="1.1"` and an embedded PNG.

    ## How to fix
    Export the logo as SVG Tiny PS (the BIMI Group's converters do it), square, with the
    brand name as `<title>`, under 32 KB, and serve it at the `l=` URL without redirects.
    """
    health = _sender_health(ctx)
    if health is not None:
        yield from _judged(health.bimi_logo, health.domain, t("BIMI logo"))


@rule(
    "DOM009",
    "bimi-certificate-invalid",
    Severity.WARNING,
    network=True,
    short="BIMI mark certificate (a=) unreachable, not PEM, expired or not for the domain",
)
def bimi_certificate_invalid(ctx: Context) -> Iterator[Problem]:
    """## What it does
    Fetches the evidence document the From domain's BIMI record names (`a=`: a Verified or
    Common Mark Certificate) and reports one that cannot be fetched, is not a PEM certificate
    chain, has a certificate that expired (or is not valid yet), whose first certificate lacks
    the BIMI extended key usage, or that names other domains. A record without `a=` is not
    reported: `mailcheck domain` notes it (Gmail and Apple Mail need a certificate, other
    receivers do not).

    ## Why it matters
    Receivers that require a certificate show no logo when it does not verify; an expired one
    is the usual cause, a year after purchase. A warning: the mail is delivered either way.

    ## Example
    `a=https://acme.ru/bimi/vmc.pem` whose mark certificate expired last month.

    ## How to fix
    Renew the certificate with its issuer and publish the new PEM chain (mark certificate
    first) at the `a=` URL.
    """
    health = _sender_health(ctx)
    if health is not None:
        yield from _judged(health.bimi_certificate, health.domain, t("BIMI mark certificate"))


@rule(
    "DOM010",
    "bimi-dmarc-partial",
    Severity.WARNING,
    network=True,
    short="BIMI published, but DMARC enforces on part of the mail only (pct below 100)",
)
def bimi_dmarc_partial(ctx: Context) -> Iterator[Problem]:
    """## What it does
    Reports a From domain that publishes a BIMI logo while its DMARC policy, `quarantine` or
    `reject`, applies to part of the mail only (`pct=` below 100). A policy of `none` (or
    `quarantine` with `pct=0`, which acts as `none`) is DMARC002's finding, a missing record
    DMARC001's: both also keep the logo from showing.

    ## Why it matters
    BIMI requires DMARC enforcement on all mail (`p=quarantine` or `p=reject` with
    `pct=100`): receivers show no logo otherwise.

    ## Example
    `default._bimi.acme.ru` names a logo, `_dmarc.acme.ru` has `p=quarantine; pct=20`.

    ## How to fix
    Raise `pct` to 100 (or remove it) once DMARC reports show all legitimate mail passes.
    """
    health = _sender_health(ctx)
    holder = lookup(ctx.facts, ctx.from_domain)
    dmarc = holder.dmarc if holder else None
    if health is None or health.bimi_logo is None or dmarc is None or dmarc.status != "ok":
        return
    pct = dmarc.tags.get("pct", "100")
    if dmarc.errors or dmarc.policy not in ("quarantine", "reject") or not pct.isdigit():
        return
    if dmarc.sampled_to_none:
        return  # quarantine with pct=0 acts as none: DMARC002's finding
    if int(pct) < 100:
        message = t(
            "{domain} publishes a BIMI logo, but its DMARC policy {policy} applies to {pct}% of "
            "mail only (_dmarc.{record_domain}): receivers show no logo",
            domain=health.domain,
            policy=dmarc.policy,
            pct=pct,
            record_domain=dmarc.record_domain,
        )
        yield Problem(message, location=f"_dmarc.{dmarc.record_domain}")


def _shown(listings: list[Listing]) -> str:
    return Joined(
        "; ",
        (
            t(
                "{subject} on {blocklist} ({detail})",
                subject=i.subject,
                blocklist=i.list_name,
                detail=i.detail,
            )
            for i in listings
        ),
    )


@rule(
    "DOM003",
    "sending-ip-blocklisted",
    Severity.ERROR,
    network=True,
    short="sending IP on an IP blocklist (Spamhaus ZEN, SpamCop, Barracuda)",
)
def sending_ip_blocklisted(ctx: Context) -> Iterator[Problem]:
    """## What it does
    Reports a sending IP (from the `.eml`'s Received chain, or `[dns] sending-ips`) listed
    on an IP blocklist: Spamhaus ZEN, SpamCop, Barracuda, or the configured `ip-blocklists`.

    ## Why it matters
    Mailbox providers reject or junk mail from listed addresses: the campaign does not
    arrive, whatever its content.

    ## Example
    `203.0.113.25 on Spamhaus ZEN (127.0.0.2)`: an SBL listing.

    ## How to fix
    Ask the ESP to move the campaign to a clean IP pool, find why the IP was listed (the
    list's lookup page says) and request delisting.
    """
    ips = set(sending_ips(ctx.campaign, ctx.config))
    listed = [i for i in _listings(ctx) if i.status == "listed" and i.subject in ips]
    if listed:
        yield Problem(t("sending IP blocklisted: {listings}", listings=_shown(listed)), "Received")


@rule(
    "DOM004",
    "domain-blocklisted",
    Severity.ERROR,
    network=True,
    short="From or link domain on a domain blocklist (Spamhaus DBL, SURBL, URIBL)",
)
def domain_blocklisted(ctx: Context) -> Iterator[Problem]:
    """## What it does
    Reports the From domain or a domain the campaign links to listed on a domain blocklist:
    Spamhaus DBL, SURBL, URIBL, or the configured `domain-blocklists`.

    ## Why it matters
    Spam filters score every link domain against these lists: one listed link (a shortener,
    an affiliate redirect) sends the whole campaign to spam.

    ## Example
    `bit-ly-clone.example on Spamhaus DBL (127.0.1.2)` in a banner link.

    ## How to fix
    Remove or replace the listed link (link to your own domain), or have the domain delisted.
    """
    ips = set(sending_ips(ctx.campaign, ctx.config))
    listed = [i for i in _listings(ctx) if i.status == "listed" and i.subject not in ips]
    if listed:
        yield Problem(t("domain blocklisted: {listings}", listings=_shown(listed)), location="DNS")


@rule(
    "DOM005",
    "blocklist-not-verified",
    Severity.WARNING,
    network=True,
    short="a blocklist could not be asked (refused, public resolver, DNS failure)",
)
def blocklist_not_verified(ctx: Context) -> Iterator[Problem]:
    """## What it does
    Reports blocklists that could not be asked: the list refused the query (Spamhaus answers
    `127.255.255.254` to queries through public resolvers), the DNS failed, or the answer
    was not a list's answer.

    ## Why it matters
    An unanswered lookup is not a clean result: a listed IP would go unnoticed.

    ## Example
    `zen.spamhaus.org` asked through a public resolver: "the list refused the query".

    ## How to fix
    Use your own recursive resolver (`[dns] nameservers`), or a Spamhaus DQS key
    (`[dns] spamhaus-dqs-key`).
    """
    unverified = [i for i in _listings(ctx) if i.status == "unverified"]
    if unverified:
        # lists that failed for the same reason (a resolver down fails them all) said once
        by_reason: dict[str, list[str]] = {}
        for listing in unverified:
            names = by_reason.setdefault(listing.detail, [])
            if listing.list_name not in names:
                names.append(listing.list_name)
        lists = Joined(
            "; ",
            (
                t("{lists} ({why})", lists=", ".join(names), why=why)
                for why, names in by_reason.items()
            ),
        )
        # a blocklist unanswered in a run whose DNS answered nothing is NET001's to report
        yield Problem(
            t("could not verify on {lists}", lists=lists),
            location="DNS",
            cause=NO_DNS,
            unverified=True,
        )
