"""SPF: the sender domain's SPF record (RFC 7208), linted and evaluated for the sending IPs.

Which domains (RFC 7208 §2.4): the envelope sender's (Return-Path; without one, the From
domain's, as receivers then see postmaster@From). When the Return-Path is known, the From
domain's own record is judged too, as a warning (receivers do not check it for this mail).
When it is known to be empty (`Return-Path: <>`), the MAIL FROM identity is postmaster@ the
HELO name: its record is judged as a warning (the ESP's host), SPF is evaluated for it, and the
From domain is judged as beside a Return-Path; an unknown HELO name is "could not verify". A
From domain with no SPF at all is an error unless the Return-Path's SPF is valid and aligned
with it (or DKIM aligns). A DNS timeout or SERVFAIL is a warning "could not verify", never a
pass and never an error about the record.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from mailcheck.auth_model import (
    SpfFacts,
    envelope_sender,
    lookup,
    null_reverse_path,
    sending_ips,
    spf_key,
    spf_sender,
)
from mailcheck.i18n import t
from mailcheck.model import Severity
from mailcheck.rules import NO_DNS, Context, Problem, rule


@dataclass(frozen=True)
class _Judged:
    """One domain whose SPF is judged, and in which role."""

    spf: SpfFacts
    role: str  # "envelope" (Return-Path, else the From domain), "from", "helo"
    envelope: str = ""  # the envelope sender's domain, for "from"
    empty_envelope: bool = False  # `Return-Path: <>`: the HELO name stands for the envelope

    @property
    def severity(self) -> Severity | None:
        """Receivers judge the envelope sender (RFC 7208 §2.4): other names only warn."""
        return None if self.role == "envelope" else Severity.WARNING

    def noted(self, message: str) -> str:
        """``message`` with what this name is, when it is not the envelope sender's."""
        if self.role == "from" and self.empty_envelope and self.envelope:
            return t(
                "{message} (the envelope sender is empty: receivers check SPF on "
                "postmaster@{helo}, the HELO name, not here)",
                message=message,
                helo=self.envelope,
            )
        if self.role == "from" and self.empty_envelope:
            return t(
                "{message} (the envelope sender is empty: receivers check SPF on postmaster@ "
                "the HELO name, not here)",
                message=message,
            )
        if self.role == "from":
            return t(
                "{message} (receivers check SPF on the envelope sender {envelope}, not here)",
                message=message,
                envelope=self.envelope,
            )
        if self.role == "helo":
            return t(
                "{message} (the HELO name: checked when the envelope sender is empty, "
                "RFC 7208 §2.3)",
                message=message,
            )
        return message


def _spf_domains(ctx: Context) -> Iterator[_Judged]:
    """The envelope sender's domain (Return-Path; without one, the From domain, as
    postmaster@From; with an empty one, the HELO name, as postmaster@HELO), then the From
    domain (with a Return-Path, empty or not), when they differ from it."""
    campaign = ctx.campaign
    sender = spf_sender(campaign)
    envelope = sender[1] if sender else None
    empty = null_reverse_path(campaign)
    wanted: list[tuple[str | None, str]] = [(envelope, "envelope")]
    if empty:
        # Receivers use the HELO name's SPF only for an empty envelope sender (RFC 7208
        # §2.3, §2.4): then it is the MAIL FROM identity, but still the ESP's host, which the
        # agency cannot change (with a Return-Path it warned on nearly every ESP's test send)
        wanted = [(envelope, "helo"), (campaign.from_domain, "from")]
    elif envelope_sender(campaign) is not None:
        wanted.append((campaign.from_domain, "from"))
    seen: set[str] = set()
    for name, role in wanted:
        if not name or name.lower() in seen:
            continue
        seen.add(name.lower())
        found = lookup(ctx.facts, name)
        if found is not None and found.spf is not None:
            yield _Judged(found.spf, role, envelope or "", empty)


def _valid(spf: SpfFacts) -> bool:
    """An SPF record receivers can use: one record, no error anywhere in its tree."""
    from mailcheck.spf import LOOKUP_LIMIT, VOID_LIMIT

    return (
        spf.status == "ok"
        and len(spf.records) == 1
        and not (spf.syntax_errors or spf.limit_errors or spf.unverified)
        and spf.lookups <= LOOKUP_LIMIT
        and spf.void_lookups <= VOID_LIMIT
    )


@rule(
    "SPF001", "spf-missing", Severity.ERROR, network=True, short="sender domain has no SPF record"
)
def spf_missing(ctx: Context) -> Iterator[Problem]:
    """## What it does
    Reports a sender domain (the From domain, and the envelope sender's domain when known)
    that publishes no SPF record: no TXT record starting with `v=spf1`. When the record (or
    an include) cannot be looked up — a DNS timeout or SERVFAIL — it says so as a warning
    "could not verify" instead (and SPF006 does not say it again). The HELO name of a test
    send without SPF is a warning only when its envelope sender is empty (`Return-Path: <>`),
    the only mail receivers check the HELO name's SPF for (RFC 7208 §2.3); with an empty
    envelope sender and no known HELO name, it says SPF could not be verified (warning).

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
    from mailcheck.domain_health import missing_domain_reported

    judged = list(_spf_domains(ctx))
    # the MAIL FROM identity's record: the HELO name's for an empty envelope sender
    envelope = next((j.spf for j in judged if j.role in ("envelope", "helo")), None)
    if _helo_unknown(ctx):
        yield Problem(
            t(
                "could not verify SPF: the envelope sender is empty (Return-Path: <>), so "
                "receivers check postmaster@ the HELO name, and the HELO name is unknown (the "
                "Received header of a test send gives it)"
            ),
            location="Return-Path",
            severity=Severity.WARNING,
        )
    for j in judged:
        spf = j.spf
        if spf.status == "none" and missing_domain_reported(ctx.facts, ctx.config, spf.domain):
            continue  # the domain does not exist: DOM001 says so, one root cause
        if spf.status == "none":
            yield Problem(
                j.noted(t("{domain} has no SPF record", domain=spf.domain)),
                location=spf.domain,
                severity=_missing_severity(ctx, j, envelope),
            )
        elif spf.status == "error":
            yield Problem(
                t(
                    "could not verify the SPF record of {domain}: {error} (temperror; try again)",
                    domain=spf.domain,
                    error=spf.dns_error,
                ),
                location=spf.domain,
                severity=Severity.WARNING,
                cause=NO_DNS,
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
                cause=NO_DNS,
            )


def _helo_unknown(ctx: Context) -> bool:
    """An empty envelope sender with no known HELO name: the MAIL FROM identity receivers
    check (postmaster@HELO, RFC 7208 §2.4) is unknown, so SPF cannot be judged for it."""
    return null_reverse_path(ctx.campaign) and spf_sender(ctx.campaign) is None


def _unverified_reported(ctx: Context, spf: SpfFacts) -> bool:
    """Whether SPF001 (when selected) reports that ``spf``'s record or part of it could not be
    looked up."""
    failed = spf.status == "error" or bool(spf.unverified)
    return failed and ctx.config.selects("SPF001")


def _missing_severity(ctx: Context, j: _Judged, envelope: SpfFacts | None) -> Severity | None:
    """A From domain without SPF is only a warning when the envelope sender's SPF is valid and
    aligned with it (DMARC can pass through it); otherwise an error, as for the envelope."""
    from mailcheck.dmarc import aligned, dkim_alignment_expected

    if j.role == "helo":
        return Severity.WARNING
    if j.role != "from":
        return None
    if j.empty_envelope and not j.envelope:
        # the HELO name is unknown: whether SPF aligns through it cannot be told
        return Severity.WARNING
    found = lookup(ctx.facts, ctx.from_domain)
    aspf = found.dmarc.aspf if found and found.dmarc and found.dmarc.status == "ok" else "r"
    if envelope is not None and _valid(envelope) and aligned(j.spf.domain, envelope.domain, aspf):
        return Severity.WARNING
    if dkim_alignment_expected(ctx.facts, ctx.campaign, ctx.config):
        # receivers check SPF on the envelope sender, not here, and DMARC passes through the
        # aligned DKIM signature: the missing record protects nothing this mail needs
        return Severity.WARNING
    return None


@rule("SPF002", "spf-multiple", Severity.ERROR, network=True, short="more than one SPF record")
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
    for j in _spf_domains(ctx):
        spf = j.spf
        if len(spf.records) > 1:
            shown = " | ".join(spf.records)
            yield Problem(
                j.noted(
                    t(
                        "{domain} has {n} SPF records (permerror): {shown}",
                        domain=spf.domain,
                        n=len(spf.records),
                        shown=shown,
                    )
                ),
                location=spf.domain,
                severity=j.severity,
            )


@rule(
    "SPF003",
    "spf-too-many-lookups",
    Severity.ERROR,
    network=True,
    short="SPF needs more than 10 DNS lookups, or more than 2 void lookups",
)
def spf_too_many_lookups(ctx: Context) -> Iterator[Problem]:
    """## What it does
    Counts the DNS lookups SPF evaluation of the domain needs, through every include and
    redirect: more than 10 (`include`, `a`, `mx`, `ptr`, `exists`, `redirect`), more than
    2 void lookups (names that do not exist or have no data), an include or redirect loop,
    or an `mx` target with more than 10 MX records. Counting stops at `all`: check_host()
    never reaches what follows it (RFC 7208 §5.1). Void lookups are counted as a receiver
    meets them: `a:host` asks for A from an IPv4 sender and AAAA from an IPv6 one, so a host
    with only AAAA records is void for every IPv4 sender.

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
    from mailcheck.spf import LOOKUP_LIMIT, VOID_LIMIT

    for j in _spf_domains(ctx):
        spf = j.spf
        if spf.lookups > LOOKUP_LIMIT:
            yield Problem(
                j.noted(
                    t(
                        "the SPF record of {domain} needs {n} DNS lookups (at most {limit} are "
                        "allowed): receivers give permerror",
                        domain=spf.domain,
                        n=spf.lookups,
                        limit=LOOKUP_LIMIT,
                    )
                ),
                location=spf.domain,
                severity=j.severity,
            )
        voids = {"IPv4": spf.void_lookups_ipv4, "IPv6": spf.void_lookups_ipv6}
        over = {family: terms for family, terms in voids.items() if len(terms) > VOID_LIMIT}
        if over:
            families = "/".join(over)
            terms = max(over.values(), key=len)
            yield Problem(
                j.noted(
                    t(
                        "the SPF record of {domain} has {n} void lookups for senders over "
                        "{families} ({terms}: names with no such data; at most {limit} are "
                        "allowed): receivers give permerror",
                        domain=spf.domain,
                        n=len(terms),
                        families=families,
                        terms=", ".join(terms),
                        limit=VOID_LIMIT,
                    )
                ),
                location=spf.domain,
                severity=j.severity,
            )
        for error in spf.limit_errors:
            yield Problem(
                j.noted(t("SPF of {domain}: {error}", domain=spf.domain, error=error)),
                location=spf.domain,
                severity=j.severity,
            )


@rule(
    "SPF004",
    "spf-permissive-all",
    Severity.ERROR,
    network=True,
    short="SPF lets any server send as the domain (+all), or leaves it open (?all, no all)",
)
def spf_permissive_all(ctx: Context) -> Iterator[Problem]:
    """## What it does
    Reports an SPF record that ends in `+all` (anyone may send: error), or that includes a
    record ending in `+all` (the include then passes every server: error), or that ends in
    `?all` or has no `all` and no `redirect` (no verdict for strangers: warning). The record
    that ends the redirect chain decides.

    ## Why it matters
    `+all` authorises every server on the internet to send as the domain, which is worse
    than no SPF. `?all` and a missing `all` leave forged mail "neutral", so SPF protects
    nothing.

    ## Example
    `v=spf1 include:spf.esp.example +all`.

    ## How to fix
    End the record with `-all` (or `~all` while you are still finding every sender).
    """
    for j in _spf_domains(ctx):
        spf = j.spf
        if spf.status != "ok" or len(spf.records) != 1 or spf.syntax_errors:
            continue
        if spf.all_qualifier == "+":
            yield Problem(
                j.noted(
                    t(
                        "the SPF record of {domain} ends in +all: any server may send as it",
                        domain=spf.domain,
                    )
                ),
                location=spf.domain,
                severity=j.severity,
            )
        elif spf.all_qualifier == "?":
            yield Problem(
                j.noted(
                    t(
                        "the SPF record of {domain} ends in ?all: forged mail stays neutral",
                        domain=spf.domain,
                    )
                ),
                location=spf.domain,
                severity=Severity.WARNING,
            )
        elif spf.all_qualifier is None and not spf.has_redirect:
            yield Problem(
                j.noted(
                    t(
                        "the SPF record of {domain} has no 'all' and no redirect: mail from other "
                        "servers is neutral",
                        domain=spf.domain,
                    )
                ),
                location=spf.domain,
                severity=Severity.WARNING,
            )
        for include in spf.plus_all_includes:
            yield Problem(
                j.noted(
                    t(
                        "the SPF record of {domain} has {include}, which ends in +all: that "
                        "include passes any server, so any server may send as {domain}",
                        domain=spf.domain,
                        include=include,
                    )
                ),
                location=spf.domain,
                severity=j.severity,
            )


@rule("SPF005", "spf-syntax", Severity.ERROR, network=True, short="SPF syntax error")
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
    # one broken include that both the envelope sender's and the From domain's records pull
    # in (the ESP's) is one finding naming both, as severe as its most severe place
    by_error: dict[str, list[_Judged]] = {}
    for j in _spf_domains(ctx):
        for error in j.spf.syntax_errors:
            by_error.setdefault(error, []).append(j)
    for error, judged in by_error.items():
        first = judged[0]
        domains = ", ".join(j.spf.domain for j in judged)
        yield Problem(
            first.noted(t("SPF of {domain}: {error}", domain=domains, error=error)),
            location=first.spf.domain,
            locations=tuple(j.spf.domain for j in judged),
            severity=None if any(j.severity is None for j in judged) else first.severity,
        )


def _sending_ips_known(ctx: Context) -> bool:
    return bool(sending_ips(ctx.campaign, ctx.config))


@rule(
    "SPF006",
    "spf-ip-not-authorised",
    Severity.ERROR,
    network=True,
    short="the sending IP is not authorised by SPF",
    applies=_sending_ips_known,
)
def spf_ip_not_authorised(ctx: Context) -> Iterator[Problem]:
    """## What it does
    Evaluates SPF (RFC 7208 check_host) for the sending IPs: those in the `Received` chain
    of a test send (.eml), else the configured `sending-ips` (a CIDR is checked at its first
    address). Reports IPs for which the envelope sender's domain (else the From domain; for
    an empty envelope sender, `Return-Path: <>`, postmaster@ the HELO name, RFC 7208 §2.4)
    gives `fail` or `softfail`. A `temperror` is a warning "could not verify", unless SPF001
    already says the domain's SPF could not be looked up (one failed lookup, one finding).

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
    ips = sending_ips(ctx.campaign, ctx.config)
    if sender is None:
        if ips and _helo_unknown(ctx) and not ctx.config.selects("SPF001"):
            yield Problem(  # SPF001 says it when selected: one unknown identity, one warning
                t(
                    "could not verify SPF for {ips}: the envelope sender is empty "
                    "(Return-Path: <>), so receivers check postmaster@ the HELO name, and the "
                    "HELO name is unknown",
                    ips=", ".join(ips),
                ),
                location="Return-Path",
                severity=Severity.WARNING,
            )
        return
    mail_from, domain = sender
    found = lookup(ctx.facts, domain)
    if found is None or found.spf is None:
        return
    helo = _Judged(found.spf, "helo") if null_reverse_path(ctx.campaign) else None
    for ip in ips:
        result = found.spf.evaluations.get(spf_key(ip, mail_from))
        if result is None:
            continue
        if result.result in ("fail", "softfail"):
            message = t(
                "SPF {result} for {ip} sending as {sender}: {reason}",
                result=result.result,
                ip=ip,
                sender=mail_from,
                reason=result.reason,
            )
            # postmaster@HELO is what receivers check for an empty envelope sender: say why
            yield Problem(helo.noted(message) if helo else message, location=domain)
        elif result.result == "temperror":
            if _unverified_reported(ctx, found.spf):
                continue  # SPF001 says the lookup failed: one failed lookup, one warning
            yield Problem(
                t(
                    "could not verify SPF for {ip} sending as {sender}: {reason}",
                    ip=ip,
                    sender=mail_from,
                    reason=result.reason,
                ),
                location=domain,
                severity=Severity.WARNING,
                cause=NO_DNS,
            )
