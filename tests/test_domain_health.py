"""DOM001-006 and DOM008 against a real NSD serving zones that imitate MX/MTA-STS/TLS-RPT/BIMI records and
the blocklists' answers (Spamhaus ZEN/DBL, URIBL): listed, clean, and refused."""

from __future__ import annotations

import asyncio
import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from dns_server import Nsd, NsdPool

from mailcheck.config import Config, DnsConfig
from mailcheck.domain_health import IP_BLOCKLISTS, query_name, read_listing
from mailcheck.engine import judge
from mailcheck.facts import Facts
from mailcheck.model import Campaign, Document, Finding, Link
from mailcheck.net.auth import collect_auth
from mailcheck.net.dns import DnsClient

ZONE = {
    "acme.test": [("MX", (10, "mx.acme.test")), ("TXT", "v=spf1 ip4:192.0.2.0/24 -all")],
    "mx.acme.test": [("A", "192.0.2.20")],
    "_dmarc.acme.test": [("TXT", "v=DMARC1; p=reject")],
    "_mta-sts.acme.test": [("TXT", "v=STSv1; id=20261201")],
    "_smtp._tls.acme.test": [("TXT", "v=TLSRPTv1;")],
    "default._bimi.acme.test": [("TXT", "v=BIMI1; l=https://acme.test/logo.svg")],
    "nomx.test": [("TXT", "v=spf1 -all")],
    "badrua.test": [("MX", (10, "mx.badrua.test"))],
    "mx.badrua.test": [("A", "192.0.2.20")],
    "deadmx.test": [("MX", (10, "mx.deadmx.test"))],  # the MX host does not exist
    "halfmx.test": [("MX", (10, "mx1.halfmx.test")), ("MX", (20, "mx2.halfmx.test"))],
    "mx1.halfmx.test": [("A", "192.0.2.21")],
    "mx2.halfmx.test": [("TXT", "no address here")],  # exists, without A or AAAA
    "_smtp._tls.badrua.test": [("TXT", "v=TLSRPTv1; rua=tls-reports@badrua.test")],
    "nullmx.test": [("MX", (0, "."))],
    "web-only.test": [("A", "192.0.2.80")],
    # blocklists: 192.0.2.25 listed on ZEN (SBL), 192.0.2.26 asked through a "public resolver"
    "25.2.0.192.zen.spamhaus.org": [("A", "127.0.0.2")],
    "26.2.0.192.zen.spamhaus.org": [("A", "127.255.255.254")],
    "bad-links.test.dbl.spamhaus.org": [("A", "127.0.1.2")],
    "acme.test.multi.uribl.com": [("A", "127.0.0.1")],  # URIBL: query refused
}


# acme.test announces MTA-STS without a policy host, and a BIMI logo on a host without an
# address: senders find no policy, receivers no logo (tests of the documents themselves:
# test_domain_policies.py)
NO_POLICY_HOST = (
    "MTA-STS policy of acme.test cannot be fetched: DNS: mta-sts.acme.test does not exist "
    "(NXDOMAIN): senders ignore it"
)
NO_LOGO_HOST = (
    "BIMI logo of acme.test: the logo cannot be fetched: DNS: acme.test has no address "
    "(no A or AAAA record)"
)


@pytest.fixture(scope="module")
def health_dns(nsd_pool: NsdPool) -> Nsd:
    return nsd_pool.serve("domain-health", ZONE)


def run(
    server: Nsd,
    from_addr: str,
    ips: tuple[str, ...] = (),
    links: tuple[str, ...] = (),
    **dns: Any,
) -> list[Finding]:
    config = Config(
        dns=DnsConfig(nameservers=(server.nameserver,), timeout=1.0, sending_ips=ips, **dns)
    )
    static = Document(links=[Link(url, "a", "Купить", 5, url) for url in links])
    campaign = Campaign(id="c", source="c.eml", kind="eml", from_addr=from_addr, static=static)
    client = DnsClient(config.dns.nameservers, config.dns.timeout)
    facts = Facts(gathered=True, auth=asyncio.run(collect_auth([campaign], config, client)))
    result = judge(campaign, config, facts, offline=False)
    return [f for f in result.findings if f.code.startswith("DOM")]


def shown(found: list[Finding]) -> list[tuple[str, str, str]]:
    return [(f.code, f.severity.value, f.message) for f in found]


def test_healthy_domain_with_a_clean_ip(health_dns: Nsd) -> None:
    found = run(
        health_dns, "ACME <news@acme.test>", ips=("192.0.2.30",), links=("https://acme.test/sale",)
    )
    # only the TLS-RPT record without rua=, the MTA-STS policy host that does not exist and
    # URIBL's refusal are worth saying
    assert shown(found) == [
        ("DOM002", "warning", "TLS-RPT record of acme.test: missing rua="),
        ("DOM005", "warning", "could not verify on URIBL (the list refused the query (127.0.0.1))"),
        ("DOM006", "warning", NO_POLICY_HOST),
        ("DOM008", "warning", NO_LOGO_HOST),
    ]


def test_listed_ip_and_link_domain(health_dns: Nsd) -> None:
    found = run(
        health_dns,
        "ACME <news@acme.test>",
        ips=("192.0.2.25", "192.0.2.26"),
        links=("https://acme.test/sale", "https://www.bad-links.test/promo"),
    )
    assert shown(found) == [
        ("DOM002", "warning", "TLS-RPT record of acme.test: missing rua="),
        ("DOM003", "error", "sending IP blocklisted: 192.0.2.25 on Spamhaus ZEN (127.0.0.2)"),
        ("DOM004", "error", "domain blocklisted: bad-links.test on Spamhaus DBL (127.0.1.2)"),
        (
            "DOM005",
            "warning",
            "could not verify on Spamhaus ZEN (the list refused the query (127.255.255.254)); "
            "URIBL (the list refused the query (127.0.0.1))",
        ),
        ("DOM006", "warning", NO_POLICY_HOST),
        ("DOM008", "warning", NO_LOGO_HOST),
    ]


@pytest.mark.parametrize(
    ("domain", "expected"),
    [
        (
            "nomx.test",
            [
                (
                    "DOM001",
                    "error",
                    "nomx.test has no MX and no address record: it cannot receive mail",
                )
            ],
        ),
        (
            "missing.test",
            [
                (
                    "DOM001",
                    "error",
                    "missing.test does not exist (NXDOMAIN): it can neither receive mail nor "
                    "publish SPF or DMARC",
                )
            ],
        ),
        (
            "nullmx.test",
            [
                (
                    "DOM001",
                    "warning",
                    "nullmx.test publishes a null MX (0 .): it accepts no mail, and receivers may reject mail from it",
                )
            ],
        ),
        ("web-only.test", []),  # an A record is the implicit MX
        (
            "deadmx.test",
            [
                (
                    "DOM001",
                    "error",
                    "no MX host of deadmx.test has an address (mx.deadmx.test): it cannot "
                    "receive mail",
                )
            ],
        ),
        (
            "halfmx.test",
            [
                (
                    "DOM001",
                    "warning",
                    "MX mx2.halfmx.test of halfmx.test has no address: senders fall back to its "
                    "other MX hosts",
                )
            ],
        ),
    ],
)
def test_sender_domain_that_cannot_receive_mail(
    health_dns: Nsd, domain: str, expected: list[tuple[str, str, str]]
) -> None:
    found = [f for f in run(health_dns, f"news@{domain}", blocklists=False) if f.code == "DOM001"]
    assert shown(found) == expected


def test_blocklists_can_be_turned_off(health_dns: Nsd) -> None:
    found = run(health_dns, "news@acme.test", ips=("192.0.2.25",), blocklists=False)
    assert [f.code for f in found] == ["DOM002", "DOM006", "DOM008"]


def test_dqs_key_and_ipv6_query_names() -> None:
    zen = IP_BLOCKLISTS[0]
    assert query_name(zen, "192.0.2.25") == "25.2.0.192.zen.spamhaus.org"
    assert query_name(zen, "192.0.2.25", "k3y") == "25.2.0.192.k3y.zen.dq.spamhaus.net"
    assert (
        query_name(zen, "2001:db8::1")
        == "1.0.0.0." + "0." * 20 + "8.b.d.0.1.0.0.2.zen.spamhaus.org"
    )
    assert query_name(zen, "not-an-ip") is None


def test_unexpected_answers_are_not_listings() -> None:
    zen = IP_BLOCKLISTS[0]
    assert read_listing(zen, "192.0.2.1", "ok", ("198.51.100.7",)).status == "unverified"
    assert read_listing(zen, "192.0.2.1", "timeout", ()).status == "unverified"
    assert read_listing(zen, "192.0.2.1", "nxdomain", ()).status == "clean"
    assert read_listing(zen, "192.0.2.1", "ok", ("127.0.0.4",)).status == "listed"


def domain_command(server: Nsd, tmp_path: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "mailcheck", "domain", *args, "--nameserver", server.nameserver],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        timeout=60,
        env={**os.environ, "NO_COLOR": "1"},
    )


def test_domain_command_text(health_dns: Nsd, tmp_path: Path) -> None:
    proc = domain_command(health_dns, tmp_path, "acme.test", "--ip", "192.0.2.25", "--no-cache")
    assert proc.returncode == 1, proc.stderr  # the IP is listed: an error
    lines = proc.stdout.splitlines()
    assert lines[0] == "acme.test"
    by_item = {line.split()[0]: line.split(None, 2)[1:] for line in lines[1:]}
    assert by_item["MX"] == ["ok", "10 mx.acme.test"]
    assert by_item["MTA-STS"] == ["warning", f"DOM006 {NO_POLICY_HOST}"]
    assert by_item["TLS-RPT"] == ["warning", "missing rua=: v=TLSRPTv1;"]
    assert by_item["BIMI"] == ["warning", f"DOM008 {NO_LOGO_HOST}"]
    assert by_item["DMARC"] == ["ok", "no problem found"]
    listed = [line.strip() for line in lines if "192.0.2.25" in line]
    assert listed == [
        "Spamhaus ZEN error      192.0.2.25: 127.0.0.2",
        "SpamCop     ok         192.0.2.25: not listed",
        "Barracuda   ok         192.0.2.25: not listed",
    ]


def test_domain_command_text_speaks_lang(health_dns: Nsd, tmp_path: Path) -> None:
    proc = domain_command(health_dns, tmp_path, "acme.test", "--lang", "ru", "--no-cache")
    by_item = {line.split()[0]: line.split(None, 2)[1:] for line in proc.stdout.splitlines()[1:]}
    assert by_item["DMARC"] == ["ok", "проблем не найдено"], proc.stdout
    assert "no problem found" not in proc.stdout


def test_domain_command_json(health_dns: Nsd, tmp_path: Path) -> None:
    proc = domain_command(health_dns, tmp_path, "nomx.test", "--format", "json", "--no-cache")
    assert proc.returncode == 1, proc.stderr
    data = json.loads(proc.stdout)
    (entry,) = data["domains"]
    items = {i["item"]: i["verdict"] for i in entry["items"]}
    assert items["MX"] == "error"
    assert items["MTA-STS"] == "missing"
    assert [f["code"] for f in entry["findings"] if f["code"].startswith("DOM")] == ["DOM001"]


def test_domain_command_refuses_an_address(tmp_path: Path, health_dns: Nsd) -> None:
    proc = domain_command(health_dns, tmp_path, "news@acme.test")
    assert proc.returncode == 2
    assert "not a domain: 'news@acme.test'" in proc.stderr


def test_a_domain_that_does_not_exist_is_one_finding(health_dns: Nsd) -> None:
    """NXDOMAIN for the From domain: DOM001 alone, not SPF001 and DMARC001 beside it; with
    DOM001 ignored they speak again, so nothing goes unsaid."""

    def codes(**config: Any) -> list[str]:
        cfg = Config(
            dns=DnsConfig(nameservers=(health_dns.nameserver,), timeout=1.0, blocklists=False),
            **config,
        )
        campaign = Campaign(id="c", source="c.eml", kind="eml", from_addr="news@missing.test")
        client = DnsClient(cfg.dns.nameservers, cfg.dns.timeout)
        facts = Facts(gathered=True, auth=asyncio.run(collect_auth([campaign], cfg, client)))
        found = judge(campaign, cfg, facts, offline=False).findings
        return [f.code for f in found if f.code.startswith(("DOM", "SPF", "DMARC"))]

    assert codes() == ["DOM001"]
    assert sorted(codes(ignore=("DOM001",))) == ["DMARC001", "SPF001"]


def test_domain_command_html_has_a_line_per_blocklist(health_dns: Nsd, tmp_path: Path) -> None:
    from lxml import html

    page = tmp_path / "acme.html"
    args = ("acme.test", "--ip", "192.0.2.25", "--no-cache", "--format", "html")
    proc = domain_command(health_dns, tmp_path, *args, "--lang", "ru", "-o", str(page))
    assert proc.returncode == 1, proc.stderr
    tree = html.fromstring(page.read_text(encoding="utf-8"))
    lines = [" ".join(li.text_content().split()) for li in tree.xpath("//ul/li")]
    listed = [line for line in lines if "192.0.2.25" in line]
    assert listed == [
        "Spamhaus ZEN: ошибка — 192.0.2.25: 127.0.0.2",
        "SpamCop: в порядке — 192.0.2.25: не в списке",
        "Barracuda: в порядке — 192.0.2.25: не в списке",
    ]
    assert "URIBL: не удалось проверить — acme.test: список отказал в запросе (127.0.0.1)" in lines


def test_tls_rpt_reports_to_an_address_without_mailto(health_dns: Nsd) -> None:
    found = run(health_dns, "news@badrua.test", blocklists=False)
    assert shown(found) == [
        (
            "DOM002",
            "warning",
            "TLS-RPT record of badrua.test: rua= tls-reports@badrua.test is not a mailto: or "
            "https: URI",
        )
    ]


def test_an_mx_lookup_that_failed_is_not_shown_as_a_pass() -> None:
    """A resolver that answered nothing left DOM001 silent (no finding on a failed lookup), and
    the MX line read "ok: none (the A record stands in)" in the client's report."""
    from mailcheck.domain_health import DomainHealth
    from mailcheck.domain_items import health_items

    for status in ("timeout", "servfail"):
        health = DomainHealth("acme.test", mx_status=status)
        [mx] = [i for i in health_items([], health) if i.item == "MX"]
        assert (mx.verdict, mx.detail) == ("unverified", "DNS did not answer")
    answered = DomainHealth("web-only.test", mx_status="nodata", has_address=True)
    [mx] = [i for i in health_items([], answered) if i.item == "MX"]
    assert (mx.verdict, mx.detail) == ("ok", "none (the A record stands in)")


def test_lists_that_fail_for_one_reason_say_it_once(black_hole: Any) -> None:
    """A resolver that answers nothing fails every list alike: the reason was said once per
    list, three times in a row."""
    config = Config(
        dns=DnsConfig(nameservers=(black_hole.nameserver,), timeout=0.3, sending_ips=("192.0.2.9",))
    )
    campaign = Campaign(id="c", source="c.eml", kind="eml", from_addr="news@acme.test")
    client = DnsClient(config.dns.nameservers, config.dns.timeout)
    facts = Facts(gathered=True, auth=asyncio.run(collect_auth([campaign], config, client)))
    [dom005] = [
        f for f in judge(campaign, config, facts, offline=False).findings if f.code == "DOM005"
    ]
    why = "no answer within 0.3 s"
    assert dom005.message.startswith("could not verify on ")
    assert dom005.message.count(why) == 1, dom005.message
    for name in ("Spamhaus ZEN", "SpamCop", "Barracuda", "Spamhaus DBL", "SURBL", "URIBL"):
        assert name in dom005.message
