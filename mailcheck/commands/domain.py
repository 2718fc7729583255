"""``mailcheck domain``: the monthly health check of sender domains, one verdict line per item."""

from __future__ import annotations

import argparse
import json
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from mailcheck.domain_items import Item
    from mailcheck.model import Finding

HELP = "check sender domains: SPF, DKIM, DMARC, MX, MTA-STS, TLS-RPT, BIMI, blocklists"
DESCRIPTION = """\
The monthly technical check of a client's sending domains, the same facts `mailcheck check`
gathers for a campaign's sender: SPF, DKIM (at the given selectors), DMARC, MX, MTA-STS,
TLS-RPT, BIMI, and the blocklists — sending IPs on Spamhaus ZEN, SpamCop and Barracuda, the
domain on Spamhaus DBL, SURBL and URIBL. A list that refuses the query (Spamhaus answers
127.255.255.254 to public resolvers) is "could not verify", never "listed": use your own
resolver or set [dns] spamhaus-dqs-key. When _mta-sts announces a policy, the policy file is
fetched over HTTPS through the link checker's client (its proxy, TLS trust and SSRF guard);
so are the BIMI logo and mark certificate.

--format html writes the page for the client: one verdict line per item, the records as
found folded below, in --lang (default: [report] language), self-contained (no request
leaves it).

exit codes: 0 no errors, 1 errors found, 2 usage or configuration error

examples:
  mailcheck domain acme.ru
  mailcheck domain acme.ru mail.acme.ru --ip 203.0.113.25 --selector k1 --format json
  mailcheck domain acme.ru --nameserver 127.0.0.1:5353
  mailcheck domain acme.ru --format html --lang ru -o acme-domain.html
"""

FAMILIES = ("SPF", "DKIM", "DMARC", "DOM")


def configure(p: argparse.ArgumentParser) -> None:
    from mailcheck.commands.common import add_language_option

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
    p.add_argument(
        "--format",
        choices=("text", "json", "html"),
        default="text",
        help="output format; html: the client's self-contained page, in --lang",
    )
    p.add_argument(
        "--output", "-o", metavar="FILE", help="write the output to FILE instead of stdout"
    )
    p.add_argument("--no-cache", action="store_true", help="ask DNS again, refresh the cache")
    add_language_option(p)


@dataclass
class DomainReport:
    domain: str
    items: list[Item]
    findings: list[Finding]
    facts: object | None  # the domain's DomainAuth, for the records as found


def run(args: argparse.Namespace) -> int:
    from mailcheck.commands.common import config_from_args, refuse_overwriting_inputs, write_output
    from mailcheck.domain_items import domain_items
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
    refuse_overwriting_inputs(args.output, [])
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
        items = domain_items(result.findings, health, bool(getattr(holder, "dkim", None)))
        reports.append(DomainReport(name, items, result.findings, holder))
    if args.format == "json":
        payload = {
            "version": 1,
            "domains": [
                {
                    "domain": r.domain,
                    "items": [item.__dict__ for item in r.items],
                    "findings": [f.to_json() for f in r.findings],
                }
                for r in reports
            ],
        }
        text = json.dumps(payload, ensure_ascii=False, indent=2) + "\n"
    elif args.format == "html":
        from mailcheck.reports.domain_html import render_domain_html

        text = render_domain_html(reports, config)
    else:
        from mailcheck.i18n import translate, translations

        said = translations(config.report.language)  # the details; verdicts stay as in check
        text = "".join(
            f"{r.domain}\n"
            + "".join(
                f"  {i.item:<11} {i.verdict:<10} {translate(i.detail, said)}\n" for i in r.items
            )
            for r in reports
        )
    write_output(text, args.output)
    errors = any(f.severity is Severity.ERROR for r in batch.results for f in r.findings)
    return 1 if errors else 0
