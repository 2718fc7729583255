"""The verdict lines of a domain check: one per item (SPF, DKIM, DMARC, MX, MTA-STS, TLS-RPT,
BIMI, each blocklist), from the findings and the gathered domain facts.

``mailcheck domain`` prints them (text, JSON, HTML); the QA report shows the health lines of a
campaign's From domain beside its SPF/DKIM/DMARC lines. Details are gettext messages, said in
the reader's language by whoever shows them.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from mailcheck.domain_health import DomainHealth, TagRecord
from mailcheck.i18n import Joined, t
from mailcheck.model import Finding, Severity
from mailcheck.rootcause import unfolded


@dataclass(frozen=True)
class Item:
    """One line of the report: what was checked and the verdict in a few words."""

    item: str
    verdict: str  # ok | warning | error | missing | unverified
    detail: str  # a translatable message (mailcheck.i18n.Message) or plain text


def _family(findings: list[Finding], prefix: str) -> Item:
    mine = [f for f in findings if f.code.startswith(prefix)]
    if not mine:
        return Item(prefix, "ok", t("no problem found"))
    verdict = "error" if any(f.severity is Severity.ERROR for f in mine) else "warning"
    shown = Joined("; ", [t("{code} {message}", code=f.code, message=f.message) for f in mine])
    return Item(prefix, verdict, shown)


def _record(label: str, record: TagRecord | None) -> Item:
    if record is None or record.status in ("timeout", "servfail"):
        return Item(label, "unverified", t("DNS did not answer"))
    if record.record is None:
        return Item(label, "missing", t("no record"))
    if record.problem:
        return Item(label, "warning", f"{record.problem}: {record.record}")
    return Item(label, "ok", record.record)


def _mta_sts(health: DomainHealth, findings: list[Finding]) -> Item:
    """The TXT record, then what senders make of the policy file it announces."""
    item = _record("MTA-STS", health.mta_sts)
    found = health.mta_sts_policy
    if item.verdict != "ok" or found is None:
        return item
    mine = [f for f in findings if f.code in ("DOM006", "DOM007")]
    if found.unverified:
        return replace(_family(mine, "DOM"), item="MTA-STS", verdict="unverified")
    if mine:
        return replace(_family(mine, "DOM"), item="MTA-STS")
    policy = found.policy
    if policy is None:  # judged, but its finding is not selected
        return item
    shown = t(
        "mode {mode}, mx {patterns}, max_age {max_age}",
        mode=policy.mode,
        patterns=", ".join(policy.mx) or "—",
        max_age=policy.max_age,
    )
    return Item("MTA-STS", "ok", shown)


BIMI_CODES = ("DOM008", "DOM009", "DOM010")


def _bimi(health: DomainHealth, findings: list[Finding]) -> Item:
    """The record, then the logo and mark certificate it names, and DMARC's part in it."""
    item = _record("BIMI", health.bimi)
    if item.verdict != "ok":
        return item
    mine = [f for f in findings if f.code in BIMI_CODES]
    if health.bimi_logo is None:
        return Item("BIMI", "ok", t("the domain declines a logo (l= empty)"))
    if mine:
        unverified = all(f.message.startswith("could not verify") for f in mine)
        found = replace(_family(mine, "DOM"), item="BIMI")
        return replace(found, verdict="unverified") if unverified else found
    shown: list[str] = [health.bimi_logo.summary]
    certificate = health.bimi_certificate
    if certificate is None:
        # not a finding: Gmail and Apple Mail need a certificate, Yahoo and Mail.ru do not
        shown.append(t("no mark certificate (a=): Gmail and Apple Mail show no logo without one"))
    else:
        shown.append(certificate.summary)
    if any(f.code == "DMARC002" for f in findings):
        shown.append(t("no logo is shown: DMARC p=none"))
        return Item("BIMI", "warning", Joined("; ", shown))
    return Item("BIMI", "ok", Joined("; ", shown))


def domain_items(
    findings: list[Finding], health: DomainHealth | None, dkim_keys: bool
) -> list[Item]:
    """Every line of ``mailcheck domain``: SPF, DKIM, DMARC, then :func:`health_items`."""
    findings = unfolded(findings)  # each check's own word, also when NET001 reports it
    dkim = _family(findings, "DKIM")
    if dkim.verdict == "ok" and not dkim_keys:  # nothing was asked: not a pass
        dkim = Item("DKIM", "unverified", t("not checked: no selector is known (use --selector)"))
    items = [_family(findings, "SPF"), dkim, _family(findings, "DMARC")]
    if health is None:
        return [*items, Item("MX", "unverified", t("not gathered"))]
    return items + health_items(findings, health)


def health_items(findings: list[Finding], health: DomainHealth) -> list[Item]:
    """MX, MTA-STS, TLS-RPT, BIMI and each blocklist of one domain, as judged."""
    findings = unfolded(findings)
    items = []
    mx = _family(findings, "DOM001")
    unknown = [host for host, state in health.mx_hosts.items() if state == "unverified"]
    if health.mx_status in ("timeout", "servfail"):
        # DOM001 could not verify (or SPF001 said the name failed): not a pass either
        mx = Item("MX", "unverified", t("DNS did not answer"))
    elif mx.verdict == "ok" and unknown:
        shown = t("could not look up the address of {hosts}", hosts=", ".join(unknown))
        mx = Item("MX", "unverified", shown)
    elif mx.verdict == "ok":
        hosts = ", ".join(f"{pref} {host}" for pref, host in health.mx)
        mx = Item("MX", "ok", hosts or t("none (the A record stands in)"))
    items.append(replace(mx, item="MX"))
    items.append(_mta_sts(health, findings))
    items.append(_record("TLS-RPT", health.tls_rpt))
    items.append(_bimi(health, findings))
    for listing in health.listings:
        verdict = {"listed": "error", "clean": "ok", "unverified": "unverified"}[listing.status]
        detail = listing.detail or t("not listed")
        items.append(
            Item(
                listing.list_name,
                verdict,
                t("{subject}: {detail}", subject=listing.subject, detail=detail),
            )
        )
    return items
