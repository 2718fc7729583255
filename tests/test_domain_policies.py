"""Documents a sender domain publishes over HTTPS, fetched through mailcheck's own link client:
the MTA-STS policy file (DOM006, DOM007), the BIMI logo and mark certificate (DOM008, DOM009),
and BIMI's DMARC requirement (DOM010).

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
import datetime
import json
import os
import re
import socket
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID, ObjectIdentifier
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
from tests.tls import CA_FILE, loopback_tls

pytestmark = pytest.mark.network

POLICY = "/.well-known/mta-sts.txt"
PLAIN = "text/plain; charset=utf-8"


def run_mailcheck(where: Path, env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    """``python -m mailcheck ARGS`` in ``where`` with ``env`` (the test web and its DNS)."""
    return subprocess.run(
        [sys.executable, "-m", "mailcheck", *args],
        capture_output=True,
        text=True,
        cwd=where,
        timeout=60,
        env=env,
    )


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


def svg(body: str = '<title>Acme</title><rect width="10" height="10"/>', **root: str) -> bytes:
    attrs = {
        "xmlns": "http://www.w3.org/2000/svg",
        "version": "1.2",
        "baseProfile": "tiny-ps",
        "viewBox": "0 0 100 100",
        **root,
    }
    shown = " ".join(f'{k.replace("__", ":")}="{v}"' for k, v in attrs.items() if v)
    return f"<svg {shown}>{body}</svg>".encode()


BAD_SVG = svg(
    '<script>alert(1)</script><rect width="10" height="10" onclick="go()"/>'
    '<animate attributeName="x" to="5"/><use xlink:href="https://cdn.example/mark.svg#a"/>',
    version="1.1",
    baseProfile="",
    viewBox="0 0 200 100",
    x="3",
    xmlns__xlink="http://www.w3.org/1999/xlink",
)
XXE_SVG = (
    b'<?xml version="1.0"?><!DOCTYPE svg [<!ENTITY brand SYSTEM "file:///etc/passwd">]>'
    + svg("<title>&brand;</title>")
)
BIG_SVG = svg("<title>Acme</title>" + "<!-- padding -->" * 2200)
LOGOS = {"good.svg": svg(), "bad.svg": BAD_SVG, "xxe.svg": XXE_SVG, "big.svg": BIG_SVG}
BIMI_HOST = "https://bimi.test"
# domain -> (BIMI record, DMARC record)
BRANDS = {
    "logo-ok.test": (f"v=BIMI1; l={BIMI_HOST}/good.svg; a={BIMI_HOST}/vmc.pem", "p=reject"),
    "logo-bad.test": (f"v=BIMI1; l={BIMI_HOST}/bad.svg", "p=reject"),
    "logo-xxe.test": (f"v=BIMI1; l={BIMI_HOST}/xxe.svg", "p=reject"),
    "logo-big.test": (f"v=BIMI1; l={BIMI_HOST}/big.svg", "p=reject"),
    "logo-gone.test": (f"v=BIMI1; l={BIMI_HOST}/gone.svg", "p=reject"),
    "logo-plain.test": ("v=BIMI1; l=http://bimi.test/good.svg", "p=reject"),
    "cert-expired.test": (
        f"v=BIMI1; l={BIMI_HOST}/good.svg; a={BIMI_HOST}/expired.pem",
        "p=reject",
    ),
    "cert-garbage.test": (
        f"v=BIMI1; l={BIMI_HOST}/good.svg; a={BIMI_HOST}/garbage.pem",
        "p=reject",
    ),
    "cert-tls.test": (f"v=BIMI1; l={BIMI_HOST}/good.svg; a={BIMI_HOST}/tls.pem", "p=reject"),
    "partial-dmarc.test": (f"v=BIMI1; l={BIMI_HOST}/good.svg", "p=quarantine; pct=50"),
    "none-dmarc.test": (f"v=BIMI1; l={BIMI_HOST}/good.svg", "p=none"),
    "declined.test": ("v=BIMI1; l=;", "p=reject"),
    "no-vmc.test": (f"v=BIMI1; l={BIMI_HOST}/good.svg", "p=reject"),
}


def certificate(
    name: str, *, bimi: bool = True, days: int = 365, issuer: tuple[object, object] | None = None
) -> tuple[x509.Certificate, object]:
    """A certificate for ``name``: a mark certificate (BIMI key usage) unless ``bimi`` is
    False; expired when ``days`` is negative; signed by ``issuer`` (certificate, key)."""
    key = ec.generate_private_key(ec.SECP256R1())
    subject = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, name)])
    now = datetime.datetime.now(datetime.UTC)
    start, end = (now - datetime.timedelta(days=30), now + datetime.timedelta(days=days))
    if days < 0:
        start, end = now - datetime.timedelta(days=400), now + datetime.timedelta(days=days)
    signer_cert, signer_key = issuer if issuer else (None, key)
    usage = ObjectIdentifier("1.3.6.1.5.5.7.3.31") if bimi else ExtendedKeyUsageOID.SERVER_AUTH
    cert = (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(signer_cert.subject if isinstance(signer_cert, x509.Certificate) else subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(start)
        .not_valid_after(end)
        .add_extension(x509.SubjectAlternativeName([x509.DNSName(name)]), critical=False)
        .add_extension(x509.ExtendedKeyUsage([usage]), critical=False)
        .sign(signer_key, hashes.SHA256())  # type: ignore[arg-type]
    )
    return cert, key


def pem(*certs: x509.Certificate) -> bytes:
    return b"".join(c.public_bytes(serialization.Encoding.PEM) for c in certs)


def certificates() -> dict[str, bytes]:
    ca, ca_key = certificate("Test Mark CA", bimi=False, days=3650)
    mark, _ = certificate("logo-ok.test", issuer=(ca, ca_key))
    expired, _ = certificate("cert-expired.test", days=-2, issuer=(ca, ca_key))
    tls, _ = certificate("cert-tls.test", bimi=False, issuer=(ca, ca_key))
    return {
        "vmc.pem": pem(mark, ca),
        "expired.pem": pem(expired, ca),
        "tls.pem": pem(tls),
        "garbage.pem": b"-----BEGIN CERTIFICATE-----\nbm90IGEgY2VydGlmaWNhdGU=\n-----END CERTIFICATE-----\n",
    }


def zone() -> dict[str, list[tuple[str, object]]]:
    data: dict[str, list[tuple[str, object]]] = {}
    data["bimi.test"] = [("A", "127.0.0.1")]
    for domain, (bimi, dmarc) in BRANDS.items():
        data[domain] = [("MX", (10, f"mx.{domain}"))]
        data[f"mx.{domain}"] = [("A", "192.0.2.25")]
        data[f"default._bimi.{domain}"] = [("TXT", bimi)]
        data[f"_dmarc.{domain}"] = [("TXT", f"v=DMARC1; {dmarc}")]
    for domain, (mx, _served) in SITES.items():
        data[domain] = [("MX", (10 * (i + 1), host)) for i, host in enumerate(mx)]
        data.update({host: [("A", "192.0.2.25")] for host in mx})  # MX hosts that resolve
        data[f"_mta-sts.{domain}"] = [("TXT", "v=STSv1; id=20261202")]
        if domain != "nohost.test":
            data[f"mta-sts.{domain}"] = [("A", "127.0.0.1")]
    data["_mta-sts.invalid-txt.test"] = [("TXT", "v=STSv1;")]  # no id=: never fetched
    data["invalid-txt.test"] = [("MX", (10, "mx.invalid-txt.test"))]
    data["mx.invalid-txt.test"] = [("A", "192.0.2.25")]
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
    hosts = (*(f"mta-sts.{d}" for d in (*SITES, "invalid-txt.test")), "bimi.test")
    server_tls, _ = loopback_tls(where, hosts)
    hang = socket.create_server(("127.0.0.1", 0), backlog=8)  # accepts, never answers TLS
    with pytest.MonkeyPatch.context() as env, running_server(tls=server_tls) as server:
        env.setenv("SSL_CERT_FILE", str(where / CA_FILE))
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
        for name, body in LOGOS.items():
            server.publish("bimi.test", f"/{name}", body, "image/svg+xml")
        for name, body in certificates().items():
            server.publish("bimi.test", f"/{name}", body, "application/x-pem-file")
        routes = {f"{h}:443": ("127.0.0.1", server.port) for h in hosts}
        routes["mta-sts.hang.test:443"] = ("127.0.0.1", hang.getsockname()[1])
        with running_proxy(routes) as proxy:
            yield Sites(nsd_pool.serve("domain-policies", zone()), server, proxy)
    hang.close()


def config(sites: Sites, **links: Any) -> Config:
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


def run(
    cfg: Config, *domains: str, codes: tuple[str, ...] = ("DOM006", "DOM007")
) -> dict[str, list[Finding]]:
    campaigns = [
        Campaign(id=d, source=f"{d}.eml", kind="eml", from_addr=f"Shop <news@{d}>") for d in domains
    ]
    client = DnsClient(cfg.dns.nameservers, cfg.dns.timeout)
    facts = Facts(gathered=True, auth=asyncio.run(collect_auth(campaigns, cfg, client)))
    results = {c.id: judge(c, cfg, facts, offline=False).findings for c in campaigns}
    return {d: [f for f in found if f.code in codes] for d, found in results.items()}


def shown(found: list[Finding]) -> list[tuple[str, str, str]]:
    return [(f.code, f.severity.value, f.message) for f in found]


def test_mta_sts_policies_as_senders_read_them(sites: Sites) -> None:
    before = sites.server.count(POLICY)
    found = run(config(sites), *SITES, "invalid-txt.test")
    url = "https://mta-sts.{}/.well-known/mta-sts.txt".format
    assert found["good.test"] == []
    assert found["off.test"] == []  # mode none: no MX is held to the patterns
    # an invalid TXT record is DOM002's; senders never fetch its policy, and neither do we
    assert found["invalid-txt.test"] == []
    # once each; nohost and hang were never served
    assert sites.server.count(POLICY) == before + len(SITES) - 2
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
    from mailcheck.i18n import translate, translations

    (broken,) = found["broken.test"]
    assert translate(broken.message, translations("ru")) == (
        "политика MTA-STS домена broken.test: некорректна: mode равен 'strict', а не enforce, "
        "testing или none; нет max_age — отправители её не применяют"
    )
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


def reaching(sites: Sites, where: Path) -> dict[str, str]:
    """A mailcheck.toml in ``where`` that reaches the test servers (through the proxy, to
    loopback); the environment to run mailcheck in (no proxy variables of this machine)."""
    (where / "mailcheck.toml").write_text(
        f'[links]\nallow-private = true\nproxy = "{sites.proxy.url}"\ntimeout = 2\n'
        "[dns]\nblocklists = false\n",
        encoding="utf-8",
    )
    env = {**os.environ, "NO_COLOR": "1"}
    for name in ("HTTP_PROXY", "HTTPS_PROXY", "http_proxy", "https_proxy", "NO_PROXY", "no_proxy"):
        env.pop(name, None)
    return env


def test_domain_command_shows_the_policy(sites: Sites, tmp_path: Path) -> None:
    env = reaching(sites, tmp_path)
    domains = ("good.test", "drift.test", "typed.test", "logo-ok.test", "no-vmc.test")
    ask = ("--nameserver", sites.dns.nameserver, "--no-cache", "--format", "json")
    proc = run_mailcheck(tmp_path, env, "domain", *domains, *ask)
    assert proc.returncode in (0, 1), proc.stderr
    items = {
        d["domain"]: {i["item"]: (i["verdict"], i["detail"]) for i in d["items"]}
        for d in json.loads(proc.stdout)["domains"]
    }
    assert items["good.test"]["MTA-STS"] == ("ok", "mode enforce, mx *.good.test, max_age 604800")
    verdict, detail = items["drift.test"]["MTA-STS"]
    assert verdict == "warning" and detail.startswith("DOM007 no MX host of drift.test")
    size = f"{len(LOGOS['good.svg']) / 1024:.1f}"
    verdict, detail = items["logo-ok.test"]["BIMI"]
    assert verdict == "ok"
    assert detail.startswith(
        f"SVG Tiny PS, {size} KB; mark certificate for logo-ok.test, valid until "
    )
    assert items["no-vmc.test"]["BIMI"] == (
        "ok",
        f"SVG Tiny PS, {size} KB; no mark certificate (a=): Gmail and Apple Mail show no logo "
        "without one",
    )
    assert items["typed.test"]["MTA-STS"] == (
        "warning",
        "DOM006 MTA-STS policy of typed.test is served as text/html, not text/plain: "
        "senders ignore it",
    )


BIMI_CODES = ("DOM008", "DOM009", "DOM010", "DMARC002")


def test_bimi_logos_certificates_and_dmarc(sites: Sites) -> None:
    before = {path: sites.server.count(path) for path in ("/vmc.pem", "/good.svg")}
    found = run(config(sites), *BRANDS, codes=BIMI_CODES)
    assert found["logo-ok.test"] == []
    assert found["declined.test"] == []  # l= empty: the domain shows no logo, nothing fetched
    assert found["no-vmc.test"] == []  # no a=: a note in `mailcheck domain`, not a finding
    assert sites.server.count("/vmc.pem") == before["/vmc.pem"] + 1
    # one fetch for every domain naming it
    assert sites.server.count("/good.svg") == before["/good.svg"] + 1
    url = f"{BIMI_HOST}/bad.svg"
    (bad,) = found["logo-bad.test"]
    assert (bad.code, bad.severity.value, bad.location) == ("DOM008", "warning", url)
    not_ps = "the logo is not SVG Tiny PS: "
    assert bad.message.split("; ") == [
        "BIMI logo of logo-bad.test: " + not_ps + 'version="1.1", not "1.2"',
        not_ps + 'baseProfile="", not "tiny-ps"',
        not_ps + "no <title> (the brand's name) under <svg>",
        not_ps + "x= or y= on the root <svg>",
        not_ps + "not square (200 × 100)",
        not_ps + "a <script> is not allowed",
        not_ps + "a script (onclick=) is not allowed",
        not_ps + "animation (<animate>) is not allowed",
        not_ps + "an external reference (https://cdn.example/mark.svg#a) is not allowed",
    ]
    (xxe,) = found["logo-xxe.test"]
    # the entity is reported, never expanded (no file read, no network)
    assert xxe.message == (
        "BIMI logo of logo-xxe.test: the logo is not SVG Tiny PS: an entity declaration (brand) "
        "is not allowed"
    )
    messages = {d: [(f.code, f.message) for f in found[d]] for d in BRANDS}
    assert messages["logo-big.test"] == [
        ("DOM008", "BIMI logo of logo-big.test: the logo is larger than 32 KB")
    ]
    assert messages["logo-gone.test"] == [
        ("DOM008", "BIMI logo of logo-gone.test: the logo answers 404 Not Found")
    ]
    assert messages["logo-plain.test"] == [
        ("DOM008", "BIMI logo of logo-plain.test: the logo cannot be fetched: not an https:// URL")
    ]
    (expired,) = messages["cert-expired.test"]
    assert expired[0] == "DOM009"
    assert expired[1].startswith(
        "BIMI mark certificate of cert-expired.test: the certificate cert-expired.test expired on "
    )
    assert messages["cert-garbage.test"] == [
        (
            "DOM009",
            "BIMI mark certificate of cert-garbage.test: the mark certificate is not a PEM "
            "certificate chain",
        )
    ]
    assert messages["cert-tls.test"] == [
        (
            "DOM009",
            "BIMI mark certificate of cert-tls.test: the first certificate (cert-tls.test) is not "
            "a mark certificate (no BIMI extended key usage 1.3.6.1.5.5.7.3.31)",
        )
    ]
    assert messages["partial-dmarc.test"] == [
        (
            "DOM010",
            "partial-dmarc.test publishes a BIMI logo, but its DMARC policy quarantine applies to "
            "50% of mail only (_dmarc.partial-dmarc.test): receivers show no logo",
        )
    ]
    # p=none is DMARC002's finding alone: one root cause, one finding
    assert [code for code, _ in messages["none-dmarc.test"]] == ["DMARC002"]


def test_a_mark_certificate_for_another_domain() -> None:
    from mailcheck.bimi import judge_certificate
    from mailcheck.domain_health import Fetched

    body = certificates()["vmc.pem"]
    now = datetime.datetime.now(datetime.UTC)
    fetched = Fetched(f"{BIMI_HOST}/vmc.pem", status=200, body=body)
    assert judge_certificate(fetched, "logo-ok.test", "logo-ok.test", now).problems == []
    other = judge_certificate(fetched, "news.acme.test", "acme.test", now)
    assert other.problems == ["the mark certificate is for logo-ok.test, not news.acme.test"]


def domain_page(sites: Sites, where: Path, lang: str, *domains: str) -> str:
    env = reaching(sites, where)
    page = where / f"domain-{lang}.html"
    ask = ("--nameserver", sites.dns.nameserver, "--no-cache", "--format", "html", "--lang", lang)
    proc = run_mailcheck(where, env, "domain", *domains, *ask, "-o", str(page))
    assert proc.returncode == 1, proc.stderr  # no SPF record at these test domains: errors
    assert proc.stdout == ""
    return page.read_text(encoding="utf-8")


def verdict_lines(page: str) -> dict[str, dict[str, tuple[str, str]]]:
    """Each domain section's lines: item -> (the line's state, its text after the item)."""
    from lxml import html

    tree = html.fromstring(page)
    found = {}
    for section in tree.xpath('//section[contains(@class, "domain")]'):
        name = (section.find("h2").text or "").strip()
        lines = {}
        for li in section.xpath('.//ul[@class="auth-summary"]/li'):
            item = li.find("b").text_content().rstrip(":")
            lines[item] = (li.get("class"), " ".join(li.text_content().split()[1:]))
        found[name] = lines
    return found


EXPECTED_LINES = {
    "en": {
        ("good.test", "MTA-STS"): (
            "ok",
            "ok — mode enforce, mx *.good.test, max_age 604800",
        ),
        ("good.test", "TLS-RPT"): ("none", "not published — no record"),
        # no selector given and no signature to read one from: DKIM was not checked, not passed
        ("good.test", "DKIM"): (
            "unknown",
            "could not verify — not checked: no selector is known (use --selector)",
        ),
        ("good.test", "DMARC"): ("bad", "error — DMARC001 no DMARC record for good.test"),
        ("drift.test", "MTA-STS"): (
            "warn",
            "warning — DOM007 no MX host of drift.test (mx.newhost.test) is matched by its "
            "MTA-STS policy (mx: *.oldhost.test); mode enforce: compliant senders deliver no "
            "mail to the domain",
        ),
        ("no-vmc.test", "BIMI"): (
            "ok",
            "ok — SVG Tiny PS, {size} KB; no mark certificate (a=): Gmail and Apple Mail show "
            "no logo without one",
        ),
        ("no-vmc.test", "MX"): ("ok", "ok — 10 mx.no-vmc.test"),
    },
    "ru": {
        ("good.test", "MTA-STS"): (
            "ok",
            "в порядке — режим enforce, mx *.good.test, max_age 604800",
        ),
        ("good.test", "TLS-RPT"): ("none", "не опубликовано — записи нет"),
        ("good.test", "DKIM"): (
            "unknown",
            "не удалось проверить — не проверено: селектор неизвестен (укажите --selector)",
        ),
        ("drift.test", "MTA-STS"): (
            "warn",
            "предупреждение — DOM007 ни один MX-хост домена drift.test (mx.newhost.test) не "
            "подходит под его политику MTA-STS (mx: *.oldhost.test); режим enforce: "
            "отправители, соблюдающие MTA-STS, не доставляют домену никакой почты",
        ),
        ("no-vmc.test", "BIMI"): (
            "ok",
            "в порядке — SVG Tiny PS, {size} КБ; нет сертификата марки (a=): Gmail и Apple "
            "Mail без него логотип не показывают",
        ),
        ("no-vmc.test", "MX"): ("ok", "в порядке — 10 mx.no-vmc.test"),
    },
}


@pytest.mark.parametrize("lang", ["en", "ru"])
def test_domain_html_in_the_clients_language(sites: Sites, tmp_path: Path, lang: str) -> None:
    page = domain_page(sites, tmp_path, lang, "good.test", "drift.test", "no-vmc.test")
    lines = verdict_lines(page)
    assert list(lines) == ["good.test", "drift.test", "no-vmc.test"]
    # one line per item, in this order (blocklists are off in this configuration)
    items = ["SPF", "DKIM", "DMARC", "MX", "MTA-STS", "TLS-RPT", "BIMI"]
    assert all(list(found) == items for found in lines.values())
    size = f"{len(LOGOS['good.svg']) / 1024:.1f}"
    for (domain, item), (state, text) in EXPECTED_LINES[lang].items():
        assert lines[domain][item] == (state, text.format(size=size)), (domain, item)
    assert f'<html lang="{lang}">' in page
    heading = {"en": "errors found", "ru": "найдено"}[lang]
    assert heading in page.split("</h1>")[0]
    # self-contained: the records are there, folded; nothing is loaded from anywhere
    assert "<details" in page and "version: STSv1" in page
    assert "default-src &#39;none&#39;" in page  # the report's Content-Security-Policy
    assert not re.search(r"""(?:src|href)\s*=\s*["']?(?:https?:)?//""", page)


@pytest.mark.browser
def test_domain_html_in_chromium(sites: Sites, tmp_path: Path) -> None:
    from tests import browser

    page = tmp_path / "domain.html"
    page.write_text(domain_page(sites, tmp_path, "ru", "drift.test", "no-vmc.test"), "utf-8")
    dom = browser.dump_dom(page, tmp_path)
    assert "ни один MX-хост домена drift.test" in dom
    assert "Проверка домена отправителя" in dom
    shot = browser.Image(browser.screenshot(page, tmp_path, (900, 1200)))
    assert shot.distinct_colours() > 20  # rendered, not blank


def campaigns_of(sites: Sites, where: Path, *domains: str) -> dict[str, str]:
    """A campaign sent from each domain, under a config that reaches the test servers; the
    environment to run mailcheck in."""
    for domain in domains:
        campaign = where / domain
        campaign.mkdir()
        (campaign / "campaign.toml").write_text(
            f'id = "{domain}"\nsubject = "Распродажа"\nfrom = "Магазин <news@{domain}>"\n'
            'html = "email.html"\n',
            encoding="utf-8",
        )
        (campaign / "email.html").write_text(
            '<html lang="ru"><body><p>Скидки</p><a href="mailto:unsub@example.test">'
            "Отписаться</a></body></html>",
            encoding="utf-8",
        )
    return {**reaching(sites, where), "MAILCHECK_NAMESERVERS": sites.dns.nameserver}


def test_the_same_facts_inside_check_for_the_sender_domain(sites: Sites, tmp_path: Path) -> None:
    """`mailcheck check` judges a campaign's From domain with the same DOM codes as
    `mailcheck domain`, once each, beside (not repeating) the SPF/DMARC findings."""
    env = campaigns_of(sites, tmp_path, "drift.test", "none-dmarc.test")
    ask = ("--format", "json", "--no-cache")
    proc = run_mailcheck(tmp_path, env, "check", *("drift.test", "none-dmarc.test"), *ask)
    assert proc.returncode == 1, proc.stderr
    found = {
        c["id"]: [(f["code"], f["message"]) for f in c["findings"]]
        for c in json.loads(proc.stdout)["campaigns"]
    }
    drift = dict(f for f in found["drift.test"] if f[0].startswith(("DOM", "SPF", "DMARC")))
    assert sorted(drift) == ["DMARC001", "DOM007", "SPF001"]
    assert drift["DOM007"].startswith("no MX host of drift.test (mx.newhost.test) is matched")
    brand = [f for f in found["none-dmarc.test"] if f[0].startswith(("DOM", "SPF", "DMARC"))]
    # BIMI with p=none: DMARC002 says it once; the logo itself is fine
    assert sorted(code for code, _ in brand) == ["DMARC002", "SPF001"]


def test_the_qa_report_shows_the_sender_domains_health(sites: Sites, tmp_path: Path) -> None:
    """`mailcheck report`: the From domain's MX, MTA-STS, TLS-RPT and BIMI lines beside its
    SPF/DKIM/DMARC lines, in the report's language, judged as `mailcheck domain` judges them."""
    from lxml import html

    env = campaigns_of(sites, tmp_path, "drift.test", "no-vmc.test")
    page = tmp_path / "report.html"
    ask = ("--lang", "ru", "--no-cache", "-o", str(page))
    proc = run_mailcheck(tmp_path, env, "report", *("drift.test", "no-vmc.test"), *ask)
    assert proc.returncode == 1, proc.stderr
    tree = html.fromstring(page.read_text(encoding="utf-8"))
    lines = {}
    for block in tree.xpath('//div[@class="auth-domain"]'):
        domain = block.find("h4").text_content()
        for li in block.xpath('.//ul[@class="auth-summary"]/li'):
            part = li.find("b").text_content().rstrip(":")
            lines[(domain, part)] = (li.get("class"), " ".join(li.text_content().split()[1:]))
    assert lines[("drift.test", "MTA-STS")] == (
        "warn",
        "DOM007 ни один MX-хост домена drift.test (mx.newhost.test) не подходит под его "
        "политику MTA-STS (mx: *.oldhost.test); режим enforce: отправители, соблюдающие "
        "MTA-STS, не доставляют домену никакой почты",
    )
    assert lines[("drift.test", "MX")] == ("ok", "10 mx.newhost.test")
    assert lines[("drift.test", "TLS-RPT")] == ("none", "записи нет")
    size = f"{len(LOGOS['good.svg']) / 1024:.1f}"
    assert lines[("no-vmc.test", "BIMI")] == (
        "ok",
        f"SVG Tiny PS, {size} КБ; нет сертификата марки (a=): Gmail и Apple Mail без него "
        "логотип не показывают",
    )
    # SPF, DKIM and DMARC keep their own lines, once
    assert [p for d, p in lines if d == "drift.test"][:3] == ["SPF", "DKIM", "DMARC"]
    # with a DOM rule ignored the health lines are left out: unjudged, they would read "ok"
    proc = run_mailcheck(tmp_path, env, "report", "drift.test", *ask, "--ignore", "DOM007")
    assert proc.returncode == 1, proc.stderr
    tree = html.fromstring(page.read_text(encoding="utf-8"))
    parts = [b.text_content() for b in tree.xpath('//ul[@class="auth-summary"]/li/b')]
    assert parts == ["SPF:", "DKIM:", "DMARC:"]
