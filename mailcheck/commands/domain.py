"""``mailcheck domain``: the monthly health check of sender domains, one verdict line per item."""

from __future__ import annotations

import argparse
import json
import sys
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from mailcheck.domain_health import DomainHealth, TagRecord
    from mailcheck.model import Finding

HELP = "check sender domains: SPF, DKIM, DMARC, MX, MTA-STS, TLS-RPT, BIMI, blocklists"
DESCRIPTION = """\
The monthly technical check of a client's sending domains, the same facts `mailcheck check`
gathers for a campaign's sender: SPF, DKIM (at the given selectors), DMARC, MX, MTA-STS,
TLS-RPT, BIMI, and the blocklists — sending IPs on Spamhaus ZEN, SpamCop and Barracuda, the
domain on Spamhaus DBL, SURBL and URIBL. A list that refuses the query (Spamhaus answers
127.255.255.254 to public resolvers) is "could not verify", never "listed": use your own
resolver or set [dns] spamhaus-dqs-key.

exit codes: 0 no errors, 1 errors found, 2 usage or configuration error

examples:
  mailcheck domain acme.ru
  mailcheck domain acme.ru mail.acme.ru --ip 203.0.113.25 --selector k1 --format json
  mailcheck domain acme.ru --nameserver 127.0.0.1:5353
"""

FAMILIES = ("SPF", "DKIM", "DMARC", "DOM")


def configure(p: argparse.ArgumentParser) -> None:
    p.add_argument("domains", nargs="+", metavar="DOMAIN", help="sender domains to check")
    p.add_argument(
        "--ip",
        action="append",
        default=[],
        help="a sending IP or CIDR of the ESP: SPF-evaluated and looked up on IP blocklists "
        "(repeatable; default: [dns] sending-ips)",
    )
    p.add_argument(
        "--selector",
        action="append",
        default=[],
        help="a DKIM selector to read the key at (repeatable; default: [dns] dkim-selectors)",
    )
    p.add_argument(
        "--nameserver",
        action="append",
        metavar="HOST:PORT",
        help="ask this nameserver instead of the configured ones (repeatable)",
    )
    p.add_argument("--format", choices=("text", "json"), default="text", help="output format")
    p.add_argument("--no-cache", action="store_true", help="ask DNS again, refresh the cache")


@dataclass(frozen=True)
class Item:
    """One line of the report: what was checked and the verdict in a few words."""

    item: str
    verdict: str  # ok | warning | error | missing | unverified
    detail: str


def run(args: argparse.Namespace) -> int:
    from mailcheck.commands.common import config_from_args
    from mailcheck.engine import UsageError, check_campaigns
    from mailcheck.model import Campaign, Severity

    config = config_from_args(args)
    dns = config.dns
    if args.nameserver:
        dns = replace(dns, nameservers=tuple(args.nameserver))
    if args.ip:
        dns = replace(dns, sending_ips=tuple(args.ip))
    if args.selector:
        dns = replace(dns, dkim_selectors=tuple(args.selector))
    config = replace(config, dns=dns, select=FAMILIES, ignore=())
    domains = [d.strip().rstrip(".").lower() for d in args.domains]
    bad = [d for d in domains if not d or "@" in d or "/" in d or " " in d]
    if bad:
        raise UsageError(f"not a domain: {bad[0]!r}")
    campaigns = [
        Campaign(
            id=d,
            source=d,
            kind="toml",
            from_addr=f"postmaster@{d}",
            envelope_from=f"postmaster@{d}",
        )
        for d in domains
    ]
    batch = check_campaigns(campaigns, config, offline=False, use_cache=not args.no_cache)
    reports = []
    for result in batch.results:
        name = result.campaign.id
        holder = batch.facts.auth.get(name)
        health = getattr(holder, "health", None)
        reports.append((name, _items(result.findings, health), result.findings))
    if args.format == "json":
        payload = {
            "version": 1,
            "domains": [
                {
                    "domain": name,
                    "items": [item.__dict__ for item in items],
                    "findings": [f.to_json() for f in findings],
                }
                for name, items, findings in reports
            ],
        }
        sys.stdout.write(json.dumps(payload, ensure_ascii=False, indent=2) + "\n")
    else:
        for name, items, _findings in reports:
            sys.stdout.write(f"{name}\n")
            for item in items:
                sys.stdout.write(f"  {item.item:<11} {item.verdict:<10} {item.detail}\n")
    errors = any(f.severity is Severity.ERROR for r in batch.results for f in r.findings)
    return 1 if errors else 0


def _family(findings: list[Finding], prefix: str) -> Item:
    from mailcheck.model import Severity

    mine = [f for f in findings if f.code.startswith(prefix)]
    if not mine:
        return Item(prefix, "ok", "no problem found")
    verdict = "error" if any(f.severity is Severity.ERROR for f in mine) else "warning"
    return Item(prefix, verdict, "; ".join(f"{f.code} {f.message}" for f in mine))


def _record(label: str, record: TagRecord | None) -> Item:
    if record is None or record.status in ("timeout", "servfail"):
        return Item(label, "unverified", "DNS did not answer")
    if record.record is None:
        return Item(label, "missing", "no record")
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
        return Item("MTA-STS", "unverified", "; ".join(f.message for f in mine))
    if mine:
        return replace(_family(mine, "DOM"), item="MTA-STS")
    policy = found.policy
    if policy is None:  # judged, but its finding is not selected
        return item
    patterns = ", ".join(policy.mx) or "none"
    return Item("MTA-STS", "ok", f"mode {policy.mode}, mx {patterns}, max_age {policy.max_age}")


BIMI_CODES = ("DOM008", "DOM009", "DOM010")


def _bimi(health: DomainHealth, findings: list[Finding]) -> Item:
    """The record, then the logo and mark certificate it names, and DMARC's part in it."""
    item = _record("BIMI", health.bimi)
    if item.verdict != "ok":
        return item
    mine = [f for f in findings if f.code in BIMI_CODES]
    if health.bimi_logo is None:
        return Item("BIMI", "ok", "the domain declines a logo (l= empty)")
    if mine:
        unverified = all(f.message.startswith("could not verify") for f in mine)
        found = replace(_family(mine, "DOM"), item="BIMI")
        return replace(found, verdict="unverified") if unverified else found
    shown = [health.bimi_logo.summary]
    certificate = health.bimi_certificate
    if certificate is None:
        # not a finding: Gmail and Apple Mail need a certificate, Yahoo and Mail.ru do not
        shown.append("no mark certificate (a=): Gmail and Apple Mail show no logo without one")
    else:
        shown.append(certificate.summary)
    if any(f.code == "DMARC002" for f in findings):
        return Item("BIMI", "warning", "; ".join([*shown, "no logo is shown: DMARC p=none"]))
    return Item("BIMI", "ok", "; ".join(shown))


def _items(findings: list[Finding], health: DomainHealth | None) -> list[Item]:
    items = [_family(findings, "SPF"), _family(findings, "DKIM"), _family(findings, "DMARC")]
    if health is None:
        return [*items, Item("MX", "unverified", "not gathered")]
    mx = _family(findings, "DOM001")
    if mx.verdict == "ok":
        hosts = ", ".join(f"{pref} {host}" for pref, host in health.mx) or "none (A record)"
        mx = Item("MX", "ok", hosts)
    items.append(replace(mx, item="MX"))
    items.append(_mta_sts(health, findings))
    items.append(_record("TLS-RPT", health.tls_rpt))
    items.append(_bimi(health, findings))
    for listing in health.listings:
        verdict = {"listed": "error", "clean": "ok", "unverified": "unverified"}[listing.status]
        detail = listing.detail or "not listed"
        items.append(Item(listing.list_name, verdict, f"{listing.subject}: {detail}"))
    return items
