"""SPF: the sender domain's SPF record (RFC 7208), linted and evaluated for the sending IPs.

Which domains: the From domain, and the envelope sender's domain (Return-Path) when it is
known and differs, since receivers check SPF against the envelope sender. A DNS timeout or
SERVFAIL is a warning "could not verify", never a pass and never an error about the record.
"""

from __future__ import annotations

from collections.abc import Iterator

from mailcheck.auth_model import SpfFacts, lookup, sending_ips, spf_key, spf_sender
from mailcheck.i18n import t
from mailcheck.model import Severity
from mailcheck.rules import Context, Problem, rule
from mailcheck.spf import LOOKUP_LIMIT, VOID_LIMIT


def _spf_domains(ctx: Context) -> Iterator[SpfFacts]:
    names = [ctx.campaign.from_domain]
    sender = spf_sender(ctx.campaign)
    if sender is not None:
        names.append(sender[1])
    for name in dict.fromkeys(n for n in names if n):
        found = lookup(ctx.facts, name)
        if found is not None and found.spf is not None:
            yield found.spf


@rule("SPF001", "spf-missing", Severity.ERROR, network=True)
def spf_missing(ctx: Context) -> Iterator[Problem]:
    """## What it does
    Reports a sender domain (the From domain, and the envelope sender's domain when known)
    that publishes no SPF record: no TXT record starting with `v=spf1`. When the record (or
    an include) cannot be looked up — a DNS timeout or SERVFAIL — it says so as a warning
    "could not verify" instead.

    ## Why it matters
    Without SPF, receivers cannot tell the domain's real servers from forgers. Gmail, Yahoo
    and Outlook require bulk senders to pass SPF or DKIM and DMARC; mail from a domain
    without SPF is far more likely to land in spam or be rejected.

    ## Example
    `acme.example` has only `TXT "google-site-verification=…"` and no `v=spf1` record.

    ## How to fix
    Publish one TXT record at the domain listing the ESP's servers, usually the ESP's
    include: `v=spf1 include:spf.esp.example -all`.
    """
    for spf in _spf_domains(ctx):
        if spf.status == "none":
            yield Problem(t("{domain} has no SPF record", domain=spf.domain), location=spf.domain)
        elif spf.status == "error":
            yield Problem(
                t(
                    "could not verify the SPF record of {domain}: {error} (temperror; try again)",
                    domain=spf.domain,
                    error=spf.dns_error,
                ),
                location=spf.domain,
                severity=Severity.WARNING,
            )
        for reason in spf.unverified:
            yield Problem(
                t(
                    "could not verify part of the SPF of {domain}: {reason} (temperror)",
                    domain=spf.domain,
                    reason=reason,
                ),
                location=spf.domain,
                severity=Severity.WARNING,
            )


@rule("SPF002", "spf-multiple", Severity.ERROR, network=True)
def spf_multiple(ctx: Context) -> Iterator[Problem]:
    """## What it does
    Reports a sender domain with more than one SPF record.

    ## Why it matters
    RFC 7208 makes two `v=spf1` records a permanent error: receivers treat the domain as
    having a broken SPF, so SPF fails for every message, including legitimate ones. It
    usually happens when a second ESP is added by publishing a second record.

    ## Example
    `v=spf1 include:_spf.google.com ~all` and `v=spf1 include:spf.esp.example -all` at the
    same name.

    ## How to fix
    Merge them into one record: `v=spf1 include:_spf.google.com include:spf.esp.example -all`.
    """
    for spf in _spf_domains(ctx):
        if len(spf.records) > 1:
            shown = " | ".join(spf.records)
            yield Problem(
                t(
                    "{domain} has {n} SPF records (permerror): {shown}",
                    domain=spf.domain,
                    n=len(spf.records),
                    shown=shown,
                ),
                location=spf.domain,
            )


@rule("SPF003", "spf-too-many-lookups", Severity.ERROR, network=True)
def spf_too_many_lookups(ctx: Context) -> Iterator[Problem]:
    """## What it does
    Counts the DNS lookups SPF evaluation of the domain needs, through every include and
    redirect: more than 10 (`include`, `a`, `mx`, `ptr`, `exists`, `redirect`), more than
    2 void lookups (names that do not exist or have no data), an include or redirect loop,
    or an `mx` target with more than 10 MX records.

    ## Why it matters
    RFC 7208 §4.6.4 makes receivers stop with a permanent error past these limits, so SPF
    fails for all mail. ESP includes use up the budget quickly: three ESPs and Google
    Workspace often need 12 or more.

    ## Example
    `v=spf1 include:_spf.google.com include:mailgun.example include:sendgrid.example
    include:servers.mcsv.example include:spf.protection.outlook.com -all` needing 14 lookups.

    ## How to fix
    Remove includes of services that no longer send for you, replace `a`/`mx`/`ptr` by
    `ip4:`/`ip6:` ranges, or move a sending stream to a subdomain with its own record.
    """
    for spf in _spf_domains(ctx):
        if spf.lookups > LOOKUP_LIMIT:
            yield Problem(
                t(
                    "the SPF record of {domain} needs {n} DNS lookups (at most {limit} are "
                    "allowed): receivers give permerror",
                    domain=spf.domain,
                    n=spf.lookups,
                    limit=LOOKUP_LIMIT,
                ),
                location=spf.domain,
            )
        if spf.void_lookups > VOID_LIMIT:
            yield Problem(
                t(
                    "the SPF record of {domain} has {n} void lookups (names with no data; at "
                    "most {limit} are allowed)",
                    domain=spf.domain,
                    n=spf.void_lookups,
                    limit=VOID_LIMIT,
                ),
                location=spf.domain,
            )
        for error in spf.limit_errors:
            yield Problem(t("SPF of {domain}: {error}", domain=spf.domain, error=error), spf.domain)


@rule("SPF004", "spf-permissive-all", Severity.ERROR, network=True)
def spf_permissive_all(ctx: Context) -> Iterator[Problem]:
    """## What it does
    Reports an SPF record that ends in `+all` (anyone may send: error), or in `?all` or
    with no `all` and no `redirect` (no verdict for strangers: warning). The record that
    ends the redirect chain decides.

    ## Why it matters
    `+all` authorises every server on the internet to send as the domain, which is worse
    than no SPF. `?all` and a missing `all` leave forged mail "neutral", so SPF protects
    nothing.

    ## Example
    `v=spf1 include:spf.esp.example +all`.

    ## How to fix
    End the record with `-all` (or `~all` while you are still finding every sender).
    """
    for spf in _spf_domains(ctx):
        if spf.status != "ok" or len(spf.records) != 1 or spf.syntax_errors:
            continue
        if spf.all_qualifier == "+":
            yield Problem(
                t(
                    "the SPF record of {domain} ends in +all: any server may send as it",
                    domain=spf.domain,
                ),
                location=spf.domain,
            )
        elif spf.all_qualifier == "?":
            yield Problem(
                t(
                    "the SPF record of {domain} ends in ?all: forged mail stays neutral",
                    domain=spf.domain,
                ),
                location=spf.domain,
                severity=Severity.WARNING,
            )
        elif spf.all_qualifier is None and not spf.has_redirect:
            yield Problem(
                t(
                    "the SPF record of {domain} has no 'all' and no redirect: mail from other "
                    "servers is neutral",
                    domain=spf.domain,
                ),
                location=spf.domain,
                severity=Severity.WARNING,
            )


@rule("SPF005", "spf-syntax", Severity.ERROR, network=True)
def spf_syntax(ctx: Context) -> Iterator[Problem]:
    """## What it does
    Reports SPF syntax errors anywhere in the record tree: an unknown mechanism or
    modifier, a bad CIDR length or address, a bad macro, a duplicate `redirect=`/`exp=`,
    non-ASCII text, or an include whose target publishes no SPF record.

    ## Why it matters
    One syntax error makes the whole SPF check a permanent error (RFC 7208 §4.6), even if
    the error sits after the mechanism that would have matched: SPF fails for all mail.

    ## Example
    `v=spf1 ip4:192.0.2.0/33 include:spf.esp.example -all` (no IPv4 prefix is longer than 32).

    ## How to fix
    Correct the term the message names; check the ESP's documentation for the exact include.
    """
    for spf in _spf_domains(ctx):
        for error in spf.syntax_errors:
            yield Problem(t("SPF of {domain}: {error}", domain=spf.domain, error=error), spf.domain)


@rule("SPF006", "spf-ip-not-authorised", Severity.ERROR, network=True)
def spf_ip_not_authorised(ctx: Context) -> Iterator[Problem]:
    """## What it does
    Evaluates SPF (RFC 7208 check_host) for the sending IPs: those in the `Received` chain
    of a test send (.eml), else the configured `sending-ips` (a CIDR is checked at its first
    address). Reports IPs for which the envelope sender's domain (else the From domain)
    gives `fail` or `softfail`.

    ## Why it matters
    The campaign will leave from these servers; if SPF fails for them, receivers treat the
    mail as forged and DMARC can only pass through DKIM.

    ## Example
    The ESP sends from `198.51.100.7`, but the record is `v=spf1 include:_spf.google.com -all`.

    ## How to fix
    Add the ESP's include (or its `ip4:` ranges) to the domain's SPF record, or use the
    ESP's own return-path domain.
    """
    sender = spf_sender(ctx.campaign)
    if sender is None:
        return
    mail_from, domain = sender
    found = lookup(ctx.facts, domain)
    if found is None or found.spf is None:
        return
    for ip in sending_ips(ctx.campaign, ctx.config):
        result = found.spf.evaluations.get(spf_key(ip, mail_from))
        if result is None:
            continue
        if result.result in ("fail", "softfail"):
            yield Problem(
                t(
                    "SPF {result} for {ip} sending as {sender}: {reason}",
                    result=result.result,
                    ip=ip,
                    sender=mail_from,
                    reason=result.reason,
                ),
                location=domain,
            )
        elif result.result == "temperror":
            yield Problem(
                t(
                    "could not verify SPF for {ip} sending as {sender}: {reason}",
                    ip=ip,
                    sender=mail_from,
                    reason=result.reason,
                ),
                location=domain,
                severity=Severity.WARNING,
            )
