"""DMARC: the From domain's policy record (RFC 7489) and identifier alignment.

The record is looked up at the From domain, then at its organisational domain (Public Suffix
List); a subdomain's effective policy is `sp=` (`np=` when it does not exist), not the
parent's `p=`. A DNS timeout or SERVFAIL is a warning "could not verify".
"""

from __future__ import annotations

from collections.abc import Iterator

from mailcheck.auth_model import (
    DmarcFacts,
    domain_of,
    envelope_sender,
    lookup,
    null_reverse_path,
    signatures,
    spf_sender,
)
from mailcheck.i18n import t
from mailcheck.model import Severity
from mailcheck.rules import NO_DNS, Context, Problem, rule


def _dmarc(ctx: Context) -> DmarcFacts | None:
    found = lookup(ctx.facts, ctx.from_domain)
    return found.dmarc if found else None


@rule(
    "DMARC001",
    "dmarc-missing",
    Severity.ERROR,
    network=True,
    short="no DMARC record for the From domain nor its organisational domain",
)
def dmarc_missing(ctx: Context) -> Iterator[Problem]:
    """## What it does
    Reports a From domain with no DMARC record, neither at `_dmarc.<domain>` nor at
    `_dmarc.<organisational domain>`.

    ## Why it matters
    Since 2024 Gmail and Yahoo (and Outlook since 2025) reject or junk bulk mail whose From
    domain publishes no DMARC record.

    ## Example
    Mail from `news@acme.example`, and neither `_dmarc.acme.example` nor a parent has a
    `v=DMARC1` record.

    ## How to fix
    Publish at least `_dmarc.acme.example TXT "v=DMARC1; p=none; rua=mailto:dmarc@acme.example"`,
    then move to `quarantine` or `reject` once reports show all mail aligned.
    """
    from mailcheck.domain_health import missing_domain_reported

    facts = _dmarc(ctx)
    if facts is None:
        return
    if (
        facts.status == "none"
        and facts.org_domain == facts.domain
        and missing_domain_reported(ctx.facts, ctx.config, facts.domain)
    ):
        return  # the domain does not exist: DOM001 says so, one root cause
    if facts.status == "none":
        message = (
            t("no DMARC record for {domain}", domain=facts.domain)
            if facts.org_domain == facts.domain
            else t(
                "no DMARC record for {domain} nor its organisational domain {org}",
                domain=facts.domain,
                org=facts.org_domain,
            )
        )
        yield Problem(message, location=f"_dmarc.{facts.domain}")
    elif facts.status == "error":
        yield Problem(
            t(
                "could not verify the DMARC record of {domain}: {error}",
                domain=facts.domain,
                error=facts.dns_error,
            ),
            location=f"_dmarc.{facts.domain}",
            severity=Severity.WARNING,
            cause=NO_DNS,
        )


@rule("DMARC002", "dmarc-policy-none", Severity.WARNING, network=True, short="DMARC policy p=none")
def dmarc_policy_none(ctx: Context) -> Iterator[Problem]:
    """## What it does
    Reports a From domain whose effective DMARC policy is `none` (for a subdomain: the
    `sp=`, or `np=` for a name that does not exist, of the organisational domain's record).
    A policy of `quarantine` with `pct=0` is reported too: it applies to no message, and
    receivers apply `none` instead (RFC 7489 §6.6.4).

    ## Why it matters
    `p=none` only monitors: forged mail in the domain's name is delivered as if genuine.
    It meets the bulk-sender minimum, but it protects neither recipients nor the brand.

    ## Example
    `_dmarc.acme.example TXT "v=DMARC1; p=none; rua=mailto:dmarc@acme.example"`.

    ## How to fix
    Once aggregate reports show that all legitimate mail passes, raise the policy to
    `p=quarantine` and then `p=reject`.
    """
    facts = _dmarc(ctx)
    if facts is None or facts.status != "ok" or facts.errors:
        return
    if facts.policy == "none":
        tag = facts.policy_tag
        written = facts.tags.get(tag, "").lower() == "none"
        message = (
            t(
                "the DMARC policy for {domain} is none ({tag}=none at _dmarc.{record_domain}): "
                "forged mail is not stopped",
                domain=facts.domain,
                tag=tag,
                record_domain=facts.record_domain,
            )
            if written
            else t(
                "the DMARC policy for {domain} is none (read as p=none: no valid p= at "
                "_dmarc.{record_domain}): forged mail is not stopped",
                domain=facts.domain,
                record_domain=facts.record_domain,
            )
        )
        yield Problem(message, location=f"_dmarc.{facts.record_domain}")
    elif facts.sampled_to_none:
        message = t(
            "the DMARC policy for {domain} is quarantine with pct=0 ({tag}=quarantine at "
            "_dmarc.{record_domain}): it applies to no message, so receivers apply none "
            "(RFC 7489 §6.6.4): forged mail is not stopped",
            domain=facts.domain,
            tag=facts.policy_tag,
            record_domain=facts.record_domain,
        )
        yield Problem(message, location=f"_dmarc.{facts.record_domain}")


@rule("DMARC003", "dmarc-syntax", Severity.ERROR, network=True, short="DMARC record syntax error")
def dmarc_syntax(ctx: Context) -> Iterator[Problem]:
    """## What it does
    Reports DMARC record syntax problems. Errors, because receivers then discard the record
    (RFC 7489 §6.6.3): `v=DMARC1` not first, more than one DMARC record, a missing or invalid
    `p=` (or `sp=`) with no valid `rua=` to fall back on. Warnings, because receivers use the
    default instead (§6.3): an invalid `np=`/`adkim=`/`aspf=`/`ri=`/`fo=`, `pct` outside
    0–100, a `rua`/`ruf` entry that is not a URI; and a record without a valid `p=` but with a
    valid `rua=`, which receivers read as `p=none`. Report URIs may use any scheme, in any
    case (`MAILTO:`, `https:`), as §6.2 allows.

    ## Why it matters
    Receivers ignore a DMARC record they cannot parse, so the domain is treated as having
    no DMARC at all; a bad optional tag silently becomes its default.

    ## Example
    `_dmarc.acme.example TXT "p=reject; v=DMARC1; rua=dmarc@acme.example"`.

    ## How to fix
    Start with `v=DMARC1;`, give `p=none|quarantine|reject`, and write report addresses as
    `mailto:` URIs: `v=DMARC1; p=reject; rua=mailto:dmarc@acme.example`.
    """
    facts = _dmarc(ctx)
    if facts is None or facts.status != "ok":
        return
    where = f"_dmarc.{facts.record_domain}"
    for error in facts.errors:
        yield Problem(
            t(
                "DMARC record at _dmarc.{record_domain}: {error}",
                record_domain=facts.record_domain,
                error=error,
            ),
            location=where,
        )
    for warning in facts.warnings:
        yield Problem(
            t(
                "DMARC record at _dmarc.{record_domain}: {error}",
                record_domain=facts.record_domain,
                error=warning,
            ),
            location=where,
            severity=Severity.WARNING,
        )


@rule(
    "DMARC004",
    "dmarc-not-aligned",
    Severity.ERROR,
    network=True,
    short="From domain not aligned with the DKIM d= domain or the envelope sender",
)
def dmarc_not_aligned(ctx: Context) -> Iterator[Problem]:
    """## What it does
    Checks that the From domain is aligned with the domain of a DKIM signature (`d=`) or
    with the envelope sender (Return-Path), when either is known: the same organisational
    domain (relaxed) or the same name (strict, per `adkim=s` / `aspf=s`). For an empty
    envelope sender (`Return-Path: <>`) SPF aligns through the HELO name (RFC 7208 §2.4);
    when that name is unknown, a DKIM domain that does not align is "could not verify".

    ## Why it matters
    DMARC passes only when SPF or DKIM passes for an aligned domain. An ESP's own
    Return-Path and `d=` domain pass SPF and DKIM but not DMARC, so `p=quarantine` or
    `p=reject` sends the campaign to spam or bounces it.

    ## Example
    From `news@acme.example`, signed `d=esp.example`, Return-Path `bounce@esp.example`.

    ## How to fix
    Set up the ESP's custom (branded) domain: DKIM signing with `d=acme.example` (a CNAME
    to the ESP's key), and a return-path subdomain such as `bounce.acme.example`.
    """
    from mailcheck.dmarc import aligned, dkim_alignment_expected

    from_domain = ctx.from_domain
    if not from_domain:
        return
    dkim_domains = list(dict.fromkeys(s.domain for s in signatures(ctx.campaign)))
    envelope_domain = domain_of(envelope_sender(ctx.campaign))
    helo_unknown = False
    if not envelope_domain and null_reverse_path(ctx.campaign):
        # DMARC takes SPF's result for the MAIL FROM identity (RFC 7489 §4.1), which for an
        # empty one is postmaster@ the HELO name (RFC 7208 §2.4): SPF aligns through it
        sender = spf_sender(ctx.campaign)
        envelope_domain = sender[1] if sender else None
        helo_unknown = sender is None
    if not dkim_domains and not envelope_domain:
        return  # nothing known to align: not judged
    facts = _dmarc(ctx)
    adkim = facts.adkim if facts and facts.status == "ok" else "r"
    aspf = facts.aspf if facts and facts.status == "ok" else "r"
    if any(aligned(from_domain, d, adkim) for d in dkim_domains):
        return
    if envelope_domain and aligned(from_domain, envelope_domain, aspf):
        return
    if not dkim_domains and dkim_alignment_expected(ctx.facts, ctx.campaign, ctx.config):
        # no signature to look at, but the ESP signs at a selector of the From domain whose
        # key is published: DKIM aligns, so DMARC passes whatever the envelope sender
        return
    parts = []
    if dkim_domains:
        mode = t("strict") if adkim == "s" else t("relaxed")
        parts.append(t("DKIM d={domains} ({mode})", domains=", ".join(dkim_domains), mode=mode))
    if envelope_domain:
        mode = t("strict") if aspf == "s" else t("relaxed")
        parts.append(t("envelope sender {domain} ({mode})", domain=envelope_domain, mode=mode))
    aligned_with = parts[0] if len(parts) == 1 else t("{a} or {b}", a=parts[0], b=parts[1])
    if helo_unknown:
        # SPF may align through a HELO name this message does not show: not a certainty
        yield Problem(
            t(
                "could not verify DMARC alignment: From domain {domain} is not aligned with "
                "{parts}, and the envelope sender is empty (Return-Path: <>), so SPF aligns "
                "through the HELO name, which is unknown",
                domain=from_domain,
                parts=aligned_with,
            ),
            location=from_domain,
            severity=Severity.WARNING,
        )
        return
    yield Problem(
        t(
            "From domain {domain} is not aligned with {parts}: DMARC fails",
            domain=from_domain,
            parts=aligned_with,
        ),
        location=from_domain,
    )
