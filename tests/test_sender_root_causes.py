"""One root cause, one finding, for the sender domain's rules, against a real NSD: a key that
DKIM001/DKIM002 report is not DKIM004's as well, a failed lookup is one "could not verify", a
failed MX lookup is not silence, an ESP's HELO name without SPF is not the agency's problem, a
sending-only From domain whose replies and bounces arrive is not an error, ``quarantine`` with
``pct=0`` is ``none`` (RFC 7489 §6.6.4), and a BIMI host that does not answer is one finding."""

from __future__ import annotations

import datetime

import dkim
import pytest
from auth_helpers import codes, gather, message
from dns_server import BlackHole, Nsd, NsdPool
from zones.auth_zone import Key, rsa_key

from mailcheck.auth_model import DmarcFacts, DomainAuth
from mailcheck.bimi import judge_certificate, judge_logo
from mailcheck.config import Config, DnsConfig
from mailcheck.domain_health import DomainHealth, Fetched, Judged
from mailcheck.engine import judge
from mailcheck.facts import Facts
from mailcheck.model import Campaign, Finding
from mailcheck.net.dns import Router

pytestmark = pytest.mark.network  # a real NSD on loopback

ESP_SPF = "v=spf1 ip4:185.98.84.0/22 -all"
FAMILIES = ("SPF", "DKIM", "DMARC", "DOM", "NET")


@pytest.fixture(scope="module")
def key() -> Key:
    return rsa_key(2048)


@pytest.fixture(scope="module")
def sender_dns(nsd_pool: NsdPool, key: Key) -> Nsd:
    mx = ("MX", (10, "mx.client.test"))
    return nsd_pool.serve(
        "sender-root-causes",
        {
            "client.test": [mx, ("TXT", ESP_SPF)],
            "mx.client.test": [("A", "192.0.2.20")],
            "k1._domainkey.client.test": [("TXT", key.record)],
            "_dmarc.client.test": [("TXT", "v=DMARC1; p=reject")],
            "bounce.esp.test": [("TXT", ESP_SPF), mx],
            # a sending-only subdomain: SPF and DKIM, no MX and no address
            "send.client.test": [("TXT", ESP_SPF)],
            "k1._domainkey.send.client.test": [("TXT", key.record)],
            # a Reply-To domain that cannot receive mail either
            "noreply.test": [("TXT", ESP_SPF)],
            "quar0.test": [mx, ("TXT", ESP_SPF)],
            "_dmarc.quar0.test": [("TXT", "v=DMARC1; p=quarantine; pct=0")],
            "quar50.test": [mx, ("TXT", ESP_SPF)],
            "_dmarc.quar50.test": [("TXT", "v=DMARC1; p=quarantine; pct=50")],
            "reject0.test": [mx, ("TXT", ESP_SPF)],
            "_dmarc.reject0.test": [("TXT", "v=DMARC1; p=reject; pct=0")],
        },
    )


@pytest.fixture(scope="module")
def refusing(nsd_pool: NsdPool) -> Nsd:
    """A server authoritative for another zone only: it refuses, read as SERVFAIL."""
    return nsd_pool.serve(
        "sender-root-causes-refusing", {"www.other.example": [("A", "192.0.2.3")]}, "other.example"
    )


def config(server: Nsd, **kw: object) -> Config:
    dns = DnsConfig(nameservers=(server.nameserver,), timeout=0.5, blocklists=False)
    return Config(dns=dns, **kw)  # type: ignore[arg-type]


def failing(nameserver: str, name: str, rdtype: str = "") -> Router:
    """Queries for ``name`` and below (of ``rdtype`` only, when given) go to ``nameserver``."""

    def route(asked: str, asked_type: str) -> list[str] | None:
        lowered = asked.lower()
        if (lowered == name or lowered.endswith("." + name)) and rdtype in ("", asked_type):
            return [nameserver]
        return None

    return route


def broken(kind: str, refusing: Nsd, hole: BlackHole) -> str:
    return refusing.nameserver if kind == "servfail" else hole.nameserver


def esp_send(
    key: Key, from_addr: str, return_path: str, domain: str = "client.test", extra: str = ""
) -> Campaign:
    """A test send signed d=``domain`` s=k1, sent from the ESP's 185.98.85.12."""
    raw = (extra.encode() if extra else b"") + message(from_addr)
    signature = dkim.sign(
        raw, b"k1", domain.encode(), key.private, include_headers=[b"from", b"to", b"subject"]
    )
    top = (
        f"Return-Path: <{return_path}>\r\n"
        "Received: from mail-12.esp.test (mail-12.esp.test [185.98.85.12]) by mx.example.net\r\n"
    )
    return Campaign(
        id="c",
        source="c.eml",
        kind="eml",
        from_addr=from_addr,
        raw_message=top.encode() + signature + raw,
        envelope_from=return_path,
        helo="mail-12.esp.test",
        received_ips=["185.98.85.12"],
    )


def run(campaign: Campaign, cfg: Config, router: Router | None = None) -> list[Finding]:
    facts, _ = gather([campaign], cfg, router)
    found = judge(campaign, cfg, facts, offline=False).findings
    return [f for f in found if f.code.startswith(FAMILIES)]


def placed(found: list[Finding]) -> list[tuple[str, str, str]]:
    return sorted((f.code, f.severity.value, f.location) for f in found)


# --- 1. the key is the problem: DKIM001/DKIM002, not DKIM004 as well ---------------------------
# (tests/test_dkim_rules.py: the revoked, the 512-bit and the missing key)


# --- 2. one failed lookup, one "could not verify" ------------------------------------------


@pytest.mark.parametrize("kind", ["servfail", "timeout"])
def test_a_sender_domain_whose_dns_fails_is_one_warning_per_lookup(
    sender_dns: Nsd, refusing: Nsd, black_hole: BlackHole, key: Key, kind: str
) -> None:
    """c/20-sf, c/21-to: the whole From domain fails. It was SPF001 and SPF006 for the SPF
    record, DKIM001 and DKIM004 for the key, and nothing for the MX."""
    campaign = esp_send(key, "Магазин <news@client.test>", "b-1@client.test")
    route = failing(broken(kind, refusing, black_hole), "client.test")
    found = run(campaign, config(sender_dns), route)
    assert placed(found) == [
        ("DKIM001", "warning", "k1._domainkey.client.test"),
        ("DMARC001", "warning", "_dmarc.client.test"),
        ("SPF001", "warning", "client.test"),
    ]
    assert all(f.message.startswith("could not verify") for f in found)


@pytest.mark.parametrize("kind", ["servfail", "timeout"])
def test_a_failed_mx_lookup_is_a_warning_not_silence(
    sender_dns: Nsd, refusing: Nsd, black_hole: BlackHole, key: Key, kind: str
) -> None:
    """DOM001 returned silently when the MX lookup failed: the domain's MX went unchecked."""
    campaign = esp_send(key, "Магазин <news@client.test>", "b-1@bounce.esp.test")
    route = failing(broken(kind, refusing, black_hole), "client.test", "MX")
    found = [f for f in run(campaign, config(sender_dns), route) if f.code.startswith("DOM")]
    assert [(f.code, f.severity.value, f.location, f.message) for f in found] == [
        (
            "DOM001",
            "warning",
            "From",
            f"could not verify that client.test (From) can receive mail: its MX lookup "
            f"failed ({kind})",
        )
    ]
    route = failing(broken(kind, refusing, black_hole), "bounce.esp.test", "MX")
    found = [f for f in run(campaign, config(sender_dns), route) if f.code.startswith("DOM")]
    assert placed(found) == [("DOM001", "warning", "Return-Path")]
    assert "bounce.esp.test (Return-Path)" in found[0].message


# --- 4. the HELO name (tests/test_auth_rfc.py: an empty envelope sender) -------------------


def test_the_esps_helo_name_without_spf_is_not_reported(sender_dns: Nsd, key: Key) -> None:
    """mail-12.esp.test has no SPF record: it warned on almost every real ESP test send,
    though receivers check the HELO name only when the envelope sender is empty."""
    campaign = esp_send(key, "Магазин <news@client.test>", "b-1@bounce.esp.test")
    assert run(campaign, config(sender_dns)) == []


# --- 7. a sending-only From domain ----------------------------------------------------------


@pytest.mark.parametrize(
    ("reply_to", "return_path", "expected"),
    [
        # replies and bounces arrive: a warning, saying why
        ("Reply-To: Магазин <hello@client.test>\r\n", "b-1@bounce.esp.test", "warning"),
        # no Reply-To: replies go to the From domain, nowhere
        ("", "b-1@bounce.esp.test", "error"),
        # the Reply-To domain cannot receive mail either
        ("Reply-To: hello@noreply.test\r\n", "b-1@bounce.esp.test", "error"),
    ],
)
def test_a_sending_only_from_domain(
    sender_dns: Nsd, key: Key, reply_to: str, return_path: str, expected: str
) -> None:
    campaign = esp_send(
        key, "Магазин <news@send.client.test>", return_path, "send.client.test", reply_to
    )
    found = [f for f in run(campaign, config(sender_dns)) if f.code == "DOM001"]
    assert placed(found) == [("DOM001", expected, "From")]
    if expected == "warning":
        assert found[0].message == (
            "send.client.test has no MX and no address record: mail to it is lost, but "
            "replies go to the Reply-To domain client.test and bounces to the Return-Path "
            "domain bounce.esp.test, which receive mail (receivers judge the envelope "
            "sender's domain, not the From domain's MX)"
        )
    else:
        assert found[0].message == (
            "send.client.test has no MX and no address record: it cannot receive mail"
        )


def test_bounces_to_the_sending_only_domain_stay_an_error(sender_dns: Nsd, key: Key) -> None:
    campaign = esp_send(
        key,
        "Магазин <news@send.client.test>",
        "b-1@send.client.test",
        "send.client.test",
        "Reply-To: hello@client.test\r\n",
    )
    found = [f for f in run(campaign, config(sender_dns)) if f.code == "DOM001"]
    assert placed(found) == [("DOM001", "error", "From")]


# --- 5. quarantine with pct=0 ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("domain", "expected"),
    [
        (
            "quar0.test",
            [
                (
                    "DMARC002",
                    "warning",
                    "_dmarc.quar0.test",
                    "the DMARC policy for quar0.test is quarantine with pct=0 (p=quarantine at "
                    "_dmarc.quar0.test): it applies to no message, so receivers apply none "
                    "(RFC 7489 §6.6.4): forged mail is not stopped",
                )
            ],
        ),
        ("quar50.test", []),
        ("reject0.test", []),  # the messages left out are quarantined: not none
    ],
)
def test_quarantine_with_pct_0_is_none(
    sender_dns: Nsd, key: Key, domain: str, expected: list[tuple[str, str, str, str]]
) -> None:
    campaign = esp_send(key, f"Магазин <news@{domain}>", "b-1@bounce.esp.test", domain)
    found = [f for f in run(campaign, config(sender_dns)) if f.code.startswith("DMARC")]
    assert [(f.code, f.severity.value, f.location, f.message) for f in found] == expected


def bimi_facts(domain: str, pct: str, logo: Judged, certificate: Judged | None) -> Facts:
    health = DomainHealth(domain, mx_status="ok", mx=((10, f"mx.{domain}"),))
    health.mx_hosts = {f"mx.{domain}": "ok"}
    health.bimi_logo, health.bimi_certificate = logo, certificate
    dmarc = DmarcFacts(
        domain,
        domain,
        "ok",
        record_domain=domain,
        tags={"v": "DMARC1", "p": "quarantine", "pct": pct},
        policy="quarantine",
        policy_tag="p",
    )
    return Facts(
        gathered=True, auth={domain: DomainAuth(domain, domain, dmarc=dmarc, health=health)}
    )


def bimi_findings(facts: Facts, domain: str) -> list[Finding]:
    campaign = Campaign(id="c", source="c.eml", kind="eml", from_addr=f"news@{domain}")
    found = judge(campaign, Config(), facts, offline=False).findings
    return [f for f in found if f.code.startswith(("DOM", "DMARC"))]


def test_quarantine_with_pct_0_is_not_a_partial_bimi_policy_as_well() -> None:
    """DOM010 ("applies to 0% of mail only") beside DMARC002: one root cause."""
    logo = Judged("https://acme.test/logo.svg", summary="SVG Tiny PS")
    found = bimi_findings(bimi_facts("acme.test", "0", logo, None), "acme.test")
    assert [f.code for f in found] == ["DMARC002"]
    found = bimi_findings(bimi_facts("acme.test", "50", logo, None), "acme.test")
    assert [f.code for f in found] == ["DOM010"]


# --- 3. a BIMI host that does not answer ---------------------------------------------------


def test_bimi_logo_and_certificate_on_a_host_that_does_not_exist_are_one_finding() -> None:
    """c/50-sts: l= and a= on one NXDOMAIN host were DOM008 and DOM009."""
    why = "no such host (NXDOMAIN)"
    logo = judge_logo(Fetched("https://bimi.gone.test/logo.svg", error=why, proof=True))
    certificate = judge_certificate(
        Fetched("https://bimi.gone.test/vmc.pem", error=why, proof=True),
        "acme.test",
        "acme.test",
        datetime.datetime.now(datetime.UTC),
    )
    found = bimi_findings(bimi_facts("acme.test", "100", logo, certificate), "acme.test")
    assert codes(found) == [("DOM008", "warning")]
    assert found[0].locations == (
        "https://bimi.gone.test/logo.svg",
        "https://bimi.gone.test/vmc.pem",
    )
    assert found[0].message == (
        f"BIMI logo of acme.test: the logo cannot be fetched: {why}; the same host: DOM009"
    )
    # on different hosts, two documents fail for two reasons: two findings
    other = judge_certificate(
        Fetched("https://vmc.other.test/vmc.pem", error=why, proof=True),
        "acme.test",
        "acme.test",
        datetime.datetime.now(datetime.UTC),
    )
    found = bimi_findings(bimi_facts("acme.test", "100", logo, other), "acme.test")
    assert codes(found) == [("DOM008", "warning"), ("DOM009", "warning")]


def test_bimi_logo_and_certificate_on_a_host_that_answered_nothing_are_one_warning() -> None:
    """A host not proven down (it timed out here): one "could not verify" listing both
    documents, not a DOM008 and a DOM009 for one cause; other hosts stay their own."""
    why = "could not verify (timed out)"
    now = datetime.datetime.now(datetime.UTC)
    logo = judge_logo(Fetched("https://bimi.slow.test/logo.svg", error=why))
    certificate = judge_certificate(
        Fetched("https://bimi.slow.test/vmc.pem", error=why), "acme.test", "acme.test", now
    )
    found = bimi_findings(bimi_facts("acme.test", "100", logo, certificate), "acme.test")
    assert codes(found) == [("DOM008", "warning")]
    assert found[0].locations == (
        "https://bimi.slow.test/logo.svg",
        "https://bimi.slow.test/vmc.pem",
    )
    assert found[0].message == (
        f"could not verify the BIMI logo of acme.test: {why}; the same host: DOM009"
    )
    other = judge_certificate(
        Fetched("https://vmc.slow.test/vmc.pem", error=why), "acme.test", "acme.test", now
    )
    found = bimi_findings(bimi_facts("acme.test", "100", logo, other), "acme.test")
    assert [(f.code, f.location) for f in found] == [
        ("DOM008", "https://bimi.slow.test/logo.svg"),
        ("DOM009", "https://vmc.slow.test/vmc.pem"),
    ]
