"""Documents a sender domain publishes over HTTPS, fetched through mailcheck's own link client:
the MTA-STS policy file (DOM006, DOM007).

Real components: NSD serves the test domains (their ``_mta-sts`` TXT records and the policy
hosts' addresses, all 127.0.0.1); the scripted HTTPS server serves each policy host's file with
a throw-away CA's certificate for its name. A policy host is reached at its fixed HTTPS port 443
through the link client's proxy support (``links.proxy``): the loopback proxy routes
``mta-sts.<domain>:443`` to the test server's free port, so no test needs port 443 itself. The
policy hosts resolve to loopback, which the SSRF guard refuses unless ``links.allow-private``
(set here, as the link tests do; one test shows the refusal).
"""

from __future__ import annotations

import asyncio
import json
import os
import socket
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass, replace
from pathlib import Path

import pytest
from dns_server import Nsd, NsdPool

from mailcheck.config import Config, DnsConfig, LinksConfig
from mailcheck.engine import judge
from mailcheck.facts import Facts
from mailcheck.model import Campaign, Finding
from mailcheck.mta_sts import matches, parse_policy
from mailcheck.net.auth import collect_auth
from mailcheck.net.dns import DnsClient
from tests.http_server import ScriptedServer, running_server
from tests.proxy_server import LoopbackProxy, running_proxy
from tests.tls import loopback_tls

pytestmark = pytest.mark.network

POLICY = "/.well-known/mta-sts.txt"
PLAIN = "text/plain; charset=utf-8"


def policy(mode: str, *mx: str, max_age: str = "604800") -> bytes:
    lines = ["version: STSv1", f"mode: {mode}", *(f"mx: {m}" for m in mx), f"max_age: {max_age}"]
    return ("\r\n".join(lines) + "\r\n").encode()


# domain -> (MX hosts, what mta-sts.<domain> serves: status, Content-Type, body)
SITES: dict[str, tuple[tuple[str, ...], tuple[int, str, bytes] | None]] = {
    "good.test": (
        ("mx1.good.test", "mx2.good.test"),
        (200, PLAIN, policy("enforce", "*.good.test")),
    ),
    "drift.test": (("mx.newhost.test",), (200, PLAIN, policy("enforce", "*.oldhost.test"))),
    "partial.test": (
        ("mx1.partial.test", "backup.other.test"),
        (200, PLAIN, policy("enforce", "mx1.partial.test")),
    ),
    "trial.test": (("mx.newhost.test",), (200, PLAIN, policy("testing", "*.oldhost.test"))),
    "off.test": (("mx.newhost.test",), (200, PLAIN, policy("none"))),
    "missing.test": (("mx.missing.test",), (404, "text/html", b"<h1>Not Found</h1>")),
    "typed.test": (("mx.typed.test",), (200, "text/html", policy("enforce", "mx.typed.test"))),
    "moved.test": (("mx.moved.test",), None),  # a redirect, published below
    "broken.test": (("mx.broken.test",), (200, PLAIN, b"version: STSv1\r\nmode: strict\r\n")),
    "nohost.test": (("mx.nohost.test",), None),  # no mta-sts.nohost.test at all
    "hang.test": (("mx.hang.test",), None),  # the policy host never answers
}


def zone() -> dict[str, list[tuple[str, object]]]:
    data: dict[str, list[tuple[str, object]]] = {}
    for domain, (mx, _served) in SITES.items():
        data[domain] = [("MX", (10 * (i + 1), host)) for i, host in enumerate(mx)]
        data[f"_mta-sts.{domain}"] = [("TXT", "v=STSv1; id=20261202")]
        if domain != "nohost.test":
            data[f"mta-sts.{domain}"] = [("A", "127.0.0.1")]
    data["_mta-sts.invalid-txt.test"] = [("TXT", "v=STSv1;")]  # no id=: never fetched
    data["invalid-txt.test"] = [("MX", (10, "mx.invalid-txt.test"))]
    data["mta-sts.invalid-txt.test"] = [("A", "127.0.0.1")]
    return data


@dataclass
class Sites:
    dns: Nsd
    server: ScriptedServer
    proxy: LoopbackProxy


@pytest.fixture(scope="module")
def sites(nsd_pool: NsdPool, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Sites]:
    where = tmp_path_factory.mktemp("policy-tls")
    hosts = tuple(f"mta-sts.{d}" for d in (*SITES, "invalid-txt.test"))
    server_tls, _ = loopback_tls(where, hosts)
    hang = socket.create_server(("127.0.0.1", 0), backlog=8)  # accepts, never answers TLS
    with pytest.MonkeyPatch.context() as env, running_server(tls=server_tls) as server:
        env.setenv("SSL_CERT_FILE", str(where / "loopback.crt"))
        for name in (
            "HTTP_PROXY",
            "HTTPS_PROXY",
            "http_proxy",
            "https_proxy",
            "NO_PROXY",
            "no_proxy",
        ):
            env.delenv(name, raising=False)
        for domain, (_mx, served) in SITES.items():
            if served is not None:
                status, content_type, body = served
                server.publish(f"mta-sts.{domain}", POLICY, body, content_type, status)
        server.publish("mta-sts.invalid-txt.test", POLICY, policy("none"), PLAIN)
        server.publish("mta-sts.moved.test", POLICY, b"", PLAIN, 301)
        routes = {f"{h}:443": ("127.0.0.1", server.port) for h in hosts}
        routes["mta-sts.hang.test:443"] = ("127.0.0.1", hang.getsockname()[1])
        with running_proxy(routes) as proxy:
            yield Sites(nsd_pool.serve("domain-policies", zone()), server, proxy)
    hang.close()


def config(sites: Sites, **links: object) -> Config:
    base: dict[str, object] = {
        "allow_private": True,
        "proxy": sites.proxy.url,
        "timeout": 1.5,
        "retries": 0,
    }
    base.update(links)
    return Config(
        links=replace(LinksConfig(), **base),  # type: ignore[arg-type]
        dns=DnsConfig(nameservers=(sites.dns.nameserver,), timeout=1.0, blocklists=False),
    )


def run(cfg: Config, *domains: str) -> dict[str, list[Finding]]:
    campaigns = [
        Campaign(id=d, source=f"{d}.eml", kind="eml", from_addr=f"Shop <news@{d}>") for d in domains
    ]
    client = DnsClient(cfg.dns.nameservers, cfg.dns.timeout)
    facts = Facts(gathered=True, auth=asyncio.run(collect_auth(campaigns, cfg, client)))
    results = {c.id: judge(c, cfg, facts, offline=False).findings for c in campaigns}
    return {d: [f for f in found if f.code in ("DOM006", "DOM007")] for d, found in results.items()}


def shown(found: list[Finding]) -> list[tuple[str, str, str]]:
    return [(f.code, f.severity.value, f.message) for f in found]


def test_mta_sts_policies_as_senders_read_them(sites: Sites) -> None:
    found = run(config(sites), *SITES, "invalid-txt.test")
    url = "https://mta-sts.{}/.well-known/mta-sts.txt".format
    assert found["good.test"] == []
    assert found["off.test"] == []  # mode none: no MX is held to the patterns
    # an invalid TXT record is DOM002's; senders never fetch its policy, and neither do we
    assert found["invalid-txt.test"] == []
    assert sites.server.count(POLICY) == len(SITES) - 2  # nohost and hang were never served
    assert shown(found["drift.test"]) == [
        (
            "DOM007",
            "warning",
            "no MX host of drift.test (mx.newhost.test) is matched by its MTA-STS policy "
            "(mx: *.oldhost.test); mode enforce: compliant senders deliver no mail to the domain",
        )
    ]
    assert shown(found["partial.test"]) == [
        (
            "DOM007",
            "warning",
            "MX backup.other.test of partial.test not matched by its MTA-STS policy "
            "(mx: mx1.partial.test); mode enforce: compliant senders skip these hosts",
        )
    ]
    assert shown(found["trial.test"]) == [
        (
            "DOM007",
            "warning",
            "MX mx.newhost.test of trial.test not matched by its MTA-STS policy "
            "(mx: *.oldhost.test); mode testing: mail still arrives, and would be refused once "
            "the mode is enforce",
        )
    ]
    problems = {
        "missing.test": "answers 404 Not Found",
        "typed.test": "is served as text/html, not text/plain",
        "moved.test": "answers 301 Moved Permanently (senders do not follow redirects)",
        "broken.test": "is invalid: mode is 'strict', not enforce, testing or none; no max_age",
        "nohost.test": "cannot be fetched: DNS: mta-sts.nohost.test does not exist (NXDOMAIN)",
    }
    for domain, problem in problems.items():
        (finding,) = found[domain]
        assert (finding.code, finding.severity.value) == ("DOM006", "warning")
        assert finding.message == f"MTA-STS policy of {domain} {problem}: senders ignore it"
        assert finding.location == url(domain)
    (hung,) = found["hang.test"]
    assert (hung.code, hung.severity.value) == ("DOM006", "warning")
    assert hung.message == (
        "could not verify the MTA-STS policy of hang.test: could not verify: no answer in 1.5 s"
    )


def test_the_policy_host_is_judged_by_the_ssrf_guard(sites: Sites) -> None:
    asked = len(sites.proxy.asked)
    found = run(config(sites, allow_private=False), "good.test")
    (finding,) = found["good.test"]
    assert finding.code == "DOM006"
    assert finding.message.startswith(
        "could not verify the MTA-STS policy of good.test: could not verify: not requested: "
        "mta-sts.good.test resolves to 127.0.0.1, a loopback address"
    )
    assert len(sites.proxy.asked) == asked  # refused before the proxy heard of it


def test_one_fetch_for_many_campaigns_of_a_domain(sites: Sites) -> None:
    before = sites.server.count(POLICY)
    cfg = config(sites)
    campaigns = [
        Campaign(id=f"c{i}", source=f"c{i}.eml", kind="eml", from_addr="news@drift.test")
        for i in range(3)
    ]
    client = DnsClient(cfg.dns.nameservers, cfg.dns.timeout)
    facts = Facts(gathered=True, auth=asyncio.run(collect_auth(campaigns, cfg, client)))
    codes = [[f.code for f in judge(c, cfg, facts, offline=False).findings] for c in campaigns]
    assert all(c.count("DOM007") == 1 for c in codes)
    assert sites.server.count(POLICY) == before + 1


@pytest.mark.parametrize(
    ("pattern", "host", "expected"),
    [
        ("mx1.acme.ru", "MX1.acme.ru.", True),
        ("*.acme.ru", "mx1.acme.ru", True),
        ("*.acme.ru", "a.b.acme.ru", False),  # one label only (RFC 8461 §4.1)
        ("*.acme.ru", "acme.ru", False),
        ("mx1.acme.ru", "mx2.acme.ru", False),
    ],
)
def test_mx_patterns(pattern: str, host: str, expected: bool) -> None:
    assert matches(pattern, host) is expected


def test_policy_syntax() -> None:
    ok, problems = parse_policy("version: STSv1\nmode: enforce\nmx: mx.acme.ru\nmax_age: 86400\n")
    assert problems == [] and ok is not None and ok.mx == ("mx.acme.ru",)
    assert parse_policy("version: STSv2\nmode: enforce\nmax_age: 99999999999\n")[1] == [
        "version is 'STSv2', not STSv1",
        "max_age '99999999999' is not a number of seconds up to 31557600",
        "no mx: pattern (mode enforce needs at least one)",
    ]
    assert parse_policy("<html>\nversion: STSv1\nmode: none\nmax_age: 1\n")[1] == [
        "line '<html>' is not 'key: value'"
    ]


def test_domain_command_shows_the_policy(sites: Sites, tmp_path: Path) -> None:
    (tmp_path / "mailcheck.toml").write_text(
        f'[links]\nallow-private = true\nproxy = "{sites.proxy.url}"\ntimeout = 2\n'
        "[dns]\nblocklists = false\n",
        encoding="utf-8",
    )
    env = {**os.environ, "NO_COLOR": "1"}
    for name in ("HTTP_PROXY", "HTTPS_PROXY", "http_proxy", "https_proxy", "NO_PROXY", "no_proxy"):
        env.pop(name, None)
    domains = ("good.test", "drift.test", "typed.test")
    ask = ("--nameserver", sites.dns.nameserver, "--no-cache", "--format", "json")
    proc = subprocess.run(
        [sys.executable, "-m", "mailcheck", "domain", *domains, *ask],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        timeout=60,
        env=env,
    )
    assert proc.returncode in (0, 1), proc.stderr
    items = {
        d["domain"]: {i["item"]: (i["verdict"], i["detail"]) for i in d["items"]}
        for d in json.loads(proc.stdout)["domains"]
    }
    assert items["good.test"]["MTA-STS"] == ("ok", "mode enforce, mx *.good.test, max_age 604800")
    verdict, detail = items["drift.test"]["MTA-STS"]
    assert verdict == "warning" and detail.startswith("DOM007 no MX host of drift.test")
    assert items["typed.test"]["MTA-STS"] == (
        "warning",
        "DOM006 MTA-STS policy of typed.test is served as text/html, not text/plain: "
        "senders ignore it",
    )
